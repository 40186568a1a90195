/**
 * The Store contract suite: every behaviour of the `Store` interface that the engine and the edges rely on, written
 * against the interface only, so each backend (SQLite now, PostgreSQL later) runs the same tests.
 * Usage: `describeStoreSuite('sqlite', async () => ({ store, cleanup }))`; each test gets a fresh store.
 */
import { describe } from 'vitest';
import { describeCancelAndRetry } from './suite/cancel-retry.js';
import { describeChildren } from './suite/children.js';
import { describeClaims } from './suite/claim.js';
import { describeCreateAndList } from './suite/create-list.js';
import { describeEvents } from './suite/events.js';
import { describeFinishes } from './suite/finish.js';
import { describeGatesAndStaging } from './suite/gates-staging.js';
import { useStore, type OpenStore } from './suite/helpers.js';
import { describeOrchestrationControl } from './suite/orchestrations-control.js';
import { describeOrchestrations } from './suite/orchestrations.js';
import { describeOutput } from './suite/output.js';
import { describePrune } from './suite/prune.js';
import { describeRecovery } from './suite/recovery.js';
import { describeWorkers } from './suite/workers.js';
import { describeSessions } from './suite/sessions.js';

export type { OpenStore };

export function describeStoreSuite(name: string, open: OpenStore): void {
  describe(`Store contract (${name})`, () => {
    const handle = useStore(open);
    describeCreateAndList(handle);
    describeClaims(handle);
    describeFinishes(handle);
    describeCancelAndRetry(handle);
    describeRecovery(handle);
    describeChildren(handle);
    describeEvents(handle);
    describeOrchestrations(handle);
    describeOrchestrationControl(handle);
    describeWorkers(handle);
    describePrune(handle);
    describeOutput(handle);
    describeSessions(handle);
    describeGatesAndStaging(handle);
  });
}
