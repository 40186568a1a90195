/**
 * WAL checkpoints off the hot path. SQLite's automatic checkpoint runs inside the commit that crosses the threshold,
 * and a checkpoint fsyncs: that commit (and the task waiting on it) stalls for milliseconds. Instead a worker thread
 * with its own connection runs PASSIVE checkpoints (which never block the writer) every `intervalMs`. The main
 * connection keeps a large automatic threshold as a backstop should the thread die. Started on the first write, so
 * an idle process pays nothing.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Backstop threshold for the main connection, in pages (~40 MB of WAL with 4 KiB pages). */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err)); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export class Checkpointer {
  private worker: Worker | null = null;

  constructor(
    private readonly file: string,
    private readonly intervalMs = 500,
    private readonly onProblem: (message: string) => void = (m) =>
      process.emitWarning(`claude-worker checkpoint: ${m}`),
  ) {}

  /** Starts the thread if it is not running (cheap to call on every write). */
  ensureStarted(): void {
    if (this.worker) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file: this.file, intervalMs: this.intervalMs },
    });
    worker.unref();
    worker.on('message', (message: string) => this.onProblem(message));
    worker.on('error', (err) => this.onProblem(String(err)));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
    });
    this.worker = worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    await worker.terminate();
  }
}
