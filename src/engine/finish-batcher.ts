/**
 * Group commit for attempt finishes: finishes that arrive in the same turn of the event loop are written in one
 * store transaction, which also claims the tasks for the slots they free. Each caller's promise resolves only after
 * its finish is committed, so a slot is freed (and a new task claimed) only once the previous outcome is durable. A
 * failed write is retried, finish by finish, for as long as the worker runs; a finish is never dropped.
 */
import type { Task } from '../domain/vocabulary.js';
import type { AttemptFinish, ClaimedTask, ClaimRequest, Store } from '../store/store.js';

/** Lets a finish batch claim the slots it frees in the same transaction. */
export interface BatchClaimer {
  /** The claim for a batch that ends `finishing` attempts, or null to claim nothing now. */
  request(finishing: number): ClaimRequest | null;
  /** Starts what the batch claimed (before the finishers' promises resolve). */
  launch(claimed: ClaimedTask[]): void;
  /** The batch's claim is over (launched or failed): the slots it held for it are no longer held. */
  release(request: ClaimRequest): void;
}

interface Waiting {
  finish: AttemptFinish;
  resolve: (task: Task | undefined) => void;
  reject: (err: unknown) => void;
}

const RETRY_DELAYS_MS = [50, 200, 1000, 3000, 5000];

export class FinishBatcher {
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown, attempt: number) => void,
    private readonly claimer: BatchClaimer | null = null,
    /** True once the worker is stopping: then a finish that cannot be recorded is given up on. */
    private readonly isStopping: () => boolean = () => false,
  ) {}

  /** Resolves with the task as stored after the finish (undefined when fenced out: the task was taken over). */
  submit(finish: AttemptFinish): Promise<Task | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ finish, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    // The batch together, with the claim for the slots it frees: the fast path.
    try {
      await this.commit(batch, this.claimer?.request(batch.length) ?? null);
      return;
    } catch (err) {
      this.onError(err, 1);
    }
    // Something failed: record each finish on its own, without claims, so one bad finish cannot hold up the others.
    // While the worker runs this never gives up (the attempt keeps its slot and its lease is renewed meanwhile);
    // when it is stopping, it gives up after a few tries and recovery requeues the task at the next start.
    await Promise.all(batch.map((waiting) => this.commitAlone(waiting)));
  }

  private async commitAlone(waiting: Waiting): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await sleep(RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!);
      try {
        await this.commit([waiting], null);
        return;
      } catch (err) {
        this.onError(err, attempt + 2);
        if (this.isStopping() && attempt + 1 >= RETRY_DELAYS_MS.length) {
          waiting.reject(err);
          return;
        }
      }
    }
  }

  private async commit(batch: Waiting[], request: ClaimRequest | null): Promise<void> {
    let result;
    try {
      result = await this.store.finishAndClaim(
        batch.map((w) => w.finish),
        request,
      );
      this.claimer?.launch(result.claimed);
    } finally {
      if (request) this.claimer?.release(request);
    }
    const { finished } = result;
    const byId = new Map(finished.map((t) => [t.id, t]));
    for (const waiting of batch) waiting.resolve(byId.get(waiting.finish.task_id));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
