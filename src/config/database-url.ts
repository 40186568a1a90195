/**
 * A PostgreSQL connection URL as people see it: never with its password. `maskDatabaseUrl` is what `config`, logs
 * and error messages print; `describeDatabase` names the host and database an error is about.
 */

const SCHEMES = new Set(['postgres:', 'postgresql:']);

/** `postgres://cw:secret@db/claude_worker` → `postgres://cw:***@db/claude_worker` (also for an unparsable URL). */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    // Passwords may also sit in the query (`?password=…`).
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString().replace('%2A%2A%2A', '***');
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^/]*@/, '$1***@').replace(/(password=)[^&]*/i, '$1***');
  }
}

export interface DatabaseTarget {
  host: string;
  port: string;
  database: string;
  user: string | null;
}

/** Host, port and database named by a URL, or null when it is not a postgres:// URL at all. */
export function describeDatabase(url: string): DatabaseTarget | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!SCHEMES.has(parsed.protocol)) return null;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname || parsed.searchParams.get('host') || 'localhost',
    port: parsed.port || '5432',
    database: database || decodeURIComponent(parsed.username) || 'postgres',
    user: parsed.username === '' ? null : decodeURIComponent(parsed.username),
  };
}

/** Why a URL cannot be used, in plain words, or null when it looks like a PostgreSQL URL. */
export function databaseUrlProblem(url: string): string | null {
  const target = describeDatabase(url);
  if (target) return null;
  return (
    `database_url must be a PostgreSQL URL like postgres://user@host:5432/claude_worker ` +
    `(got "${maskDatabaseUrl(url)}")`
  );
}
