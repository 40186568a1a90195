/**
 * Opens the PostgreSQL pool (node-postgres under Kysely's PostgresDialect) and turns connection failures into a
 * message a person can act on: which host and database, why, what to do — never the password. Nothing else in the
 * store opens a connection, except the event tail's one LISTEN client (events-tail.ts), built from `clientConfig`.
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { describeDatabase, maskDatabaseUrl } from '../../config/database-url.js';
import { ClaudeWorkerError } from '../../domain/errors.js';
import type { PgDatabase } from './schema.js';
import { prepareMarkedStatements } from './prepared.js';

export interface PostgresOptions {
  connectionString: string;
  /** Connections in this process's pool (default 10). */
  poolSize?: number;
  /** The schema to keep the tables in (default `public`); tests give each test its own. */
  schema?: string;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Ids, times (epoch ms) and counts are bigint: read them as numbers (exact up to 2^53, far beyond our values). */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export function schemaOf(options: PostgresOptions): string {
  const schema = options.schema ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new ClaudeWorkerError(
      'config',
      `The PostgreSQL schema "${schema}" is not a plain name; use letters, digits and underscores only.`,
    );
  }
  return schema;
}

/** The settings of every connection this store opens (pool and LISTEN client alike). */
export function clientConfig(options: PostgresOptions): pg.ClientConfig {
  return {
    connectionString: options.connectionString,
    options: `-c search_path=${schemaOf(options)}`,
    types,
    connectionTimeoutMillis: 10_000,
    application_name: 'claude-worker',
  };
}

export function openPool(options: PostgresOptions): { pool: pg.Pool; db: Kysely<PgDatabase> } {
  const pool = new pg.Pool({ ...clientConfig(options), max: options.poolSize ?? 10 });
  // An idle client that loses its connection emits here; without a handler Node would crash. The next query gets
  // a fresh connection and reports its own error.
  pool.on('error', () => undefined);
  // A client checked out by a transaction, between two of its statements, has no listener of the pool's: without
  // one, a connection cut there (PostgreSQL restarting, the network) would be an uncaught exception that ends the
  // process. The transaction's next statement fails instead ("not queryable"), is reported, and the pool drops it.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    prepareMarkedStatements(client);
  });
  const db = new Kysely<PgDatabase>({ dialect: new PostgresDialect({ pool }) });
  return { pool, db };
}

interface PgErrorLike {
  code?: string;
  message?: string;
  errno?: number;
}

/** True for errors that mean "cannot reach or log in to the database", as opposed to a failing statement. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as PgErrorLike | null)?.code;
  if (typeof code !== 'string') return /timeout|terminated|Connection/i.test(String(err));
  return (
    [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ETIMEDOUT',
      'ECONNRESET',
      'EHOSTUNREACH',
      'ENETUNREACH',
    ].includes(code) ||
    code.startsWith('08') || // connection exception
    code.startsWith('28') || // invalid authorization
    code === '3D000' || // database does not exist
    code === '57P01' || // terminating connection due to administrator command (a restart, a cut)
    code === '57P02' || // terminating connection due to a crash of another server process
    code === '57P03' // cannot connect now (starting up)
  );
}

/**
 * After PostgreSQL restarts (or every connection is cut), the pool may still hold connections that are gone: each
 * fails the first statement sent on it. Work that is safe to run again — a read, or a transaction whose COMMIT was
 * never sent — is run again on another connection, a few times (each failure drops one stale connection).
 */
export const STALE_CONNECTION_RETRIES = 4;

/**
 * True for the failure of a connection that was open: the server ended it (a restart, a cut, a crash of another
 * backend) or the socket closed under it. Not for a connection that could not be opened (refused, timed out,
 * refused login): running the work again would only wait again.
 */
export function isStaleConnection(err: unknown): boolean {
  const code = (err as PgErrorLike | null)?.code;
  if (typeof code === 'string')
    return ['57P01', '57P02', '08003', '08006', 'ECONNRESET', 'EPIPE'].includes(code);
  return /Connection terminated|not queryable|connection (?:is )?closed/i.test(String(err));
}

/** The error a person sees when the database cannot be reached: host and database named, password masked. */
export function connectionError(err: unknown, connectionString: string): ClaudeWorkerError {
  const target = describeDatabase(connectionString);
  const shown = maskDatabaseUrl(connectionString);
  if (!target) {
    return new ClaudeWorkerError(
      'unavailable',
      `The database URL "${shown}" is not a PostgreSQL URL. Write it as postgres://user@host:5432/database ` +
        '(CLAUDE_WORKER_DATABASE_URL or database_url), or unset it to use the SQLite file.',
      { cause: err, data: { database_url: shown } },
    );
  }
  const where = `PostgreSQL at ${target.host}:${target.port} (database "${target.database}")`;
  const e = err as PgErrorLike;
  const detail = (e?.message ?? String(err)).replaceAll(connectionString, shown);
  let why: string;
  switch (e?.code) {
    case 'ECONNREFUSED':
      why = `refused the connection. Is PostgreSQL running and listening on ${target.host}:${target.port}?`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      why = `cannot be reached: the host name "${target.host}" does not resolve. Check the host in the URL.`;
      break;
    case '3D000':
      why =
        `has no database "${target.database}". Create it (\`createdb -h ${target.host} ${target.database}\`), ` +
        'then run `claude-worker db migrate`.';
      break;
    case '28P01':
    case '28000':
      why = `refused the login${target.user ? ` of user "${target.user}"` : ''}: ${detail}. Check the user and password.`;
      break;
    default:
      why = `cannot be reached: ${detail}.`;
  }
  return new ClaudeWorkerError('unavailable', `${where} ${why} (database_url: ${shown})`, {
    cause: err,
    data: { host: target.host, port: target.port, database: target.database, database_url: shown },
  });
}
