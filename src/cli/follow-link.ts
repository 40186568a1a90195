/**
 * The connection a live view (`watch`, orchestration `--watch`) follows through: re-reads go through it, and when
 * the server stops answering it says so once, reconnects (re-reading server.json, restarting the server if needed),
 * and gives up only after the server has been unreachable for a minute.
 */
import type { ClaudeWorkerClient } from '../client/http-client.js';
import { isClaudeWorkerError } from '../domain/errors.js';
import type { CliContext } from './context.js';

/** How often a live view re-reads when no event arrives. */
export const REFRESH_MS = 1000;
/** How long the server may stay unreachable before a live view gives up (it may be restarting). */
const UNREACHABLE_LIMIT_MS = 60_000;

export interface FollowOptions {
  /** Print only the finished object, as JSON. */
  json: boolean;
  /** Finds the server again (re-reading server.json, starting it if needed) when it stops answering. */
  reconnect?: () => Promise<ClaudeWorkerClient>;
}

export class FollowLink {
  private unreachableSince: number | null = null;

  constructor(
    public client: ClaudeWorkerClient,
    private readonly context: CliContext,
    /** What is followed, for messages: "task 12", "orchestration 3". */
    private readonly what: string,
    private readonly reconnect: FollowOptions['reconnect'],
    /** Called before the first "stopped answering" note (a live line must end first). */
    private readonly beforeNote: () => void = () => {},
  ) {}

  /** The fresh value, or undefined while the server does not answer (then it reconnects); throws after a minute. */
  async read<T>(read: (client: ClaudeWorkerClient) => Promise<T>): Promise<T | undefined> {
    try {
      const value = await read(this.client);
      if (this.unreachableSince !== null)
        this.context.note(`The server answers again; still watching ${this.what}.`);
      this.unreachableSince = null;
      return value;
    } catch (err) {
      if (!isClaudeWorkerError(err) || err.code !== 'unavailable') throw err;
      if (this.unreachableSince === null) {
        this.beforeNote();
        this.context.note(`The server stopped answering; reconnecting (${this.what} is safe in the store)…`);
      }
      this.unreachableSince ??= Date.now();
      if (Date.now() - this.unreachableSince > UNREACHABLE_LIMIT_MS) throw err;
      if (this.reconnect) this.client = await this.reconnect().catch(() => this.client);
      return undefined;
    }
  }
}
