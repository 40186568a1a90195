/**
 * Secrets in a CI job: which values of the environment must never appear in what we print or write (job log, step
 * summary, outputs, reports), the `::add-mask::` commands that tell the GitHub runner to hide them from the whole
 * job log, and the redaction applied to every text we emit. Pure.
 */

/** Names whose values are secrets: API keys, tokens, passwords, credentials (ANTHROPIC_API_KEY, GITHUB_TOKEN…). */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|PRIVATE|COOKIE|SESSION/i;
/** Shorter values (`1`, `true`, a port) are not secrets worth hiding, and redacting them would garble every line. */
const MIN_SECRET_LENGTH = 6;

/** The secret values of an environment (longest first, so a secret containing another is hidden whole). */
export function secretValues(
  env: Record<string, string | undefined>,
  extra: readonly string[] = [],
): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined) => {
    if (value === undefined) return;
    const trimmed = value.trim();
    if (trimmed.length >= MIN_SECRET_LENGTH) values.add(trimmed);
    // A multi-line secret (a PEM key) can show up line by line.
    for (const line of trimmed.split('\n'))
      if (line.trim().length >= MIN_SECRET_LENGTH) values.add(line.trim());
  };
  for (const [name, value] of Object.entries(env)) if (SECRET_NAME.test(name)) add(value);
  for (const value of extra) add(value);
  return [...values].sort((a, b) => b.length - a.length);
}

/** Every occurrence of a secret becomes `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

/** `::add-mask::<value>` lines for the GitHub runner, which hides those values from the job log from then on. */
export function maskCommands(secrets: readonly string[]): string[] {
  return secrets.map((secret) => `::add-mask::${escapeData(secret)}`);
}

/** GitHub workflow-command data escaping (`%`, CR, LF). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub workflow-command property escaping (also `:` and `,`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
