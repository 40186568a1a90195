/**
 * Reads the commands a newcomer would copy from README.md: every ```sh block, line by line (`\` continuations
 * joined, `# comments` dropped), each line split at `&&` into pieces, each piece that runs `claude-worker`
 * expanded over the README's shorthand (`start|stop|status` is one command each; `[--json]` is run without and
 * with the options). Plus the `$ claude-worker …` examples of plain ``` blocks with the output they promise.
 */

export interface DocumentedCommand {
  /** The command line as it will run (through `sh -c`), before ids are substituted. */
  line: string;
  /** The `claude-worker` subcommand (`run`, `server stop`, `mcp install`). */
  subcommand: string;
  /** Where it comes from, for messages: `block 3: claude-worker watch 1`. */
  source: string;
}

export interface DocumentedOutput {
  line: string;
  /** The lines the README shows after it. */
  output: string[];
}

export interface ReadmeCommands {
  commands: DocumentedCommand[];
  /** Pieces of ```sh blocks that do not run claude-worker (npm, bash, curl…): not this test's business. */
  others: string[];
  examples: DocumentedOutput[];
}

/** `run "x" # comment` → `run "x"`: a `#` after whitespace and outside quotes starts a comment. */
export function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** `server start|stop` → two commands; `status 3 [--watch] [--json]` → without, then with every option. */
export function expand(piece: string): string[] {
  const optional = [...piece.matchAll(/\s\[([^\]]+)\]/g)];
  if (optional.length > 0) {
    const base = piece.replace(/\s\[[^\]]+\]/g, '');
    return [...expand(base), ...expand(`${base} ${optional.map((m) => m[1]).join(' ')}`)];
  }
  const words = piece.split(' ');
  const at = words.findIndex((w) => /^[a-z-]+(\|[a-z-]+)+$/.test(w));
  if (at < 0) return [piece];
  return words[at]!.split('|').flatMap((alt) =>
    expand([...words.slice(0, at), alt, ...words.slice(at + 1)].join(' ')),
  );
}

function subcommandOf(piece: string): string {
  const words = piece.slice(piece.indexOf('claude-worker ') + 'claude-worker '.length).split(/\s+/);
  const first = words[0] ?? '';
  return (first === 'server' || first === 'mcp') && /^[a-z]+$/.test(words[1] ?? '')
    ? `${first} ${words[1]}`
    : first;
}

export function readmeCommands(readme: string): ReadmeCommands {
  const commands: DocumentedCommand[] = [];
  const others: string[] = [];
  const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)];
  const examples: DocumentedOutput[] = [];
  blocks.forEach((match, index) => {
    const [, lang, body] = match;
    if (lang === '') {
      const lines = body!.trimEnd().split('\n');
      lines.forEach((line, i) => {
        if (!line.startsWith('$ claude-worker ')) return;
        const output: string[] = [];
        for (const next of lines.slice(i + 1)) {
          if (next.startsWith('$ ')) break;
          output.push(next);
        }
        examples.push({ line: line.slice(2), output });
      });
      return;
    }
    if (lang !== 'sh') return;
    const lines = body!.replace(/\\\n\s*/g, ' ').split('\n');
    for (const raw of lines) {
      const line = stripComment(raw).trim();
      if (!line) continue;
      for (const piece of line.split(/\s+&&\s+/)) {
        if (!/(^|\|\s*)claude-worker /.test(piece)) {
          others.push(piece);
          continue;
        }
        for (const command of expand(piece))
          commands.push({
            line: command,
            subcommand: subcommandOf(command),
            source: `block ${index}: ${command}`,
          });
      }
    }
  });
  return { commands, others, examples };
}
