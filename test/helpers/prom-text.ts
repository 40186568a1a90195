/**
 * A small parser of the Prometheus text exposition format (0.0.4), written here so tests read `/metrics` the way a
 * Prometheus server does: `# HELP` and `# TYPE` lines, samples `name{label="value",…} number`, label values with
 * `\\`, `\"` and `\n` escapes. It refuses what Prometheus would refuse (a sample line it cannot read).
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Metric family name → type from `# TYPE`. */
  types: Map<string, string>;
  help: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseValue(text: string, line: string): number {
  // Like Prometheus (Go's ParseFloat): Inf and NaN in any letter case (prom-client writes `Nan`).
  const word = text.toLowerCase();
  if (word === '+inf' || word === 'inf') return Infinity;
  if (word === '-inf') return -Infinity;
  if (word === 'nan') return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`not a sample value: ${JSON.stringify(line)}`);
  return value;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const match = LABEL.exec(text);
    if (!match || LABEL.lastIndex === start) throw new Error(`bad labels in ${JSON.stringify(line)}`);
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

export function parsePrometheusText(text: string): Exposition {
  const exposition: Exposition = { samples: [], types: new Map(), help: new Map() };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const meta = /^#\s+(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
      if (meta?.[1] === 'TYPE') exposition.types.set(meta[2]!, meta[3]!);
      else if (meta?.[1] === 'HELP') exposition.help.set(meta[2]!, meta[3]!);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    exposition.samples.push({
      name: match[1]!,
      labels: match[3] ? parseLabels(match[3], line) : {},
      value: parseValue(match[4]!, line),
    });
  }
  return exposition;
}

/** The one sample of `name` whose labels include `labels` (undefined when none; throws when several). */
export function sampleOf(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = exposition.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** The metric families served: names from `# TYPE` lines. */
export function familyNames(exposition: Exposition): Set<string> {
  return new Set(exposition.types.keys());
}
