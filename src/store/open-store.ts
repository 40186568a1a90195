/**
 * Which store a configuration means, and opening it: `database_url` set → the PostgreSQL store shared by every node
 * (pool of `database_pool_size` connections); unset → the SQLite file in the home folder. Only the composition root
 * (app.ts) calls this; everyone else sees the `Store` interface.
 */
import { maskDatabaseUrl } from '../config/database-url.js';
import { homePaths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface StoreChoice {
  kind: StoreKind;
  /** Where the data lives, for people: the SQLite file, or the URL with its password masked. */
  location: string;
}

export function storeChoice(config: Pick<Config, 'home' | 'database_url'>): StoreChoice {
  if (config.database_url !== null)
    return { kind: 'postgres', location: maskDatabaseUrl(config.database_url) };
  return { kind: 'sqlite', location: homePaths(config.home).database };
}

/**
 * The store a configuration names, not migrated yet. The PostgreSQL store (and its driver) loads only when it is
 * used: a SQLite server does not carry it in memory.
 */
export async function openStore(
  config: Pick<Config, 'home' | 'database_url' | 'database_pool_size'>,
): Promise<Store> {
  if (config.database_url !== null) {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return new PostgresStore({ connectionString: config.database_url, poolSize: config.database_pool_size });
  }
  return new SqliteStore(homePaths(config.home).database);
}
