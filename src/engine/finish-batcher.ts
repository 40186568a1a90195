/**
 * Group commit for attempt finishes: finishes that arrive in the same turn of the event loop are written in one
 * store transaction, which also claims the tasks for the slots they free. Each caller's promise resolves only after its finish is committed, so a slot is freed (and a
 * new task claimed) only once the previous outcome is durable. A failed write is retried with backoff; a finish
 * is never dropped — if the store stays unreachable, the task keeps its lease and recovery requeues it.
 */
import type { Task } from '../domain/vocabulary.js';
import type { AttemptFinish, ClaimedTask, ClaimRequest, Store } from '../store/store.js';

/** Lets a finish batch claim the slots it frees in the same transaction. */
export interface BatchClaimer {
  /** The claim for a batch that ends `finishing` attempts, or null to claim nothing now. */
  request(finishing: number): ClaimRequest | null;
  /** Starts what the batch claimed (before the finishers' promises resolve). */
  launch(claimed: ClaimedTask[]): void;
}

interface Waiting {
  finish: AttemptFinish;
  resolve: (task: Task | undefined) => void;
  reject: (err: unknown) => void;
}

const RETRY_DELAYS_MS = [50, 200, 1000, 3000];

export class FinishBatcher {
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown, attempt: number) => void,
    private readonly claimer: BatchClaimer | null = null,
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
    for (let attempt = 0; ; attempt++) {
      try {
        const finishes = batch.map((w) => w.finish);
        const request = this.claimer?.request(batch.length) ?? null;
        const { finished, claimed } = await this.store.finishAndClaim(finishes, request);
        this.claimer?.launch(claimed);
        const byId = new Map(finished.map((t) => [t.id, t]));
        for (const waiting of batch) waiting.resolve(byId.get(waiting.finish.task_id));
        return;
      } catch (err) {
        this.onError(err, attempt + 1);
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          for (const waiting of batch) waiting.reject(err);
          return;
        }
        await new Promise((done) => setTimeout(done, delay));
      }
    }
  }
}
