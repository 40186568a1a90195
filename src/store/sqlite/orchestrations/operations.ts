/**
 * Wires the orchestration parts of the SQLite store: the resolver that finish, cancel, recovery and retry share
 * (dependency resolution in their transactions), and the five orchestration operations of the Store seam.
 */
import type { Actor, OrchestrationDetail } from '../../../domain/vocabulary.js';
import type {
  NewOrchestration,
  NewOrchestrationTask,
  OrchestrationPage,
  OrchestrationQuery,
} from '../../store.js';
import type { StoreContext } from '../context.js';
import { prepareCancelOrchestration } from './cancel.js';
import { prepareOrchestrationWrites } from './create.js';
import { prepareOrchestrationReads } from './reads.js';
import { Resolver } from './resolution.js';
import { prepareResolutionStatements } from './statements.js';
import { prepareSummaries } from './summary.js';

export function prepareResolver(ctx: StoreContext): Resolver {
  return new Resolver(ctx, prepareResolutionStatements(ctx.db), prepareSummaries(ctx.db));
}

export interface OrchestrationOperations {
  create(orchestration: NewOrchestration, tasks: NewOrchestrationTask[], actor: Actor): OrchestrationDetail;
  addTasks(orchestrationId: number, tasks: NewOrchestrationTask[], actor: Actor): OrchestrationDetail;
  get(id: number): OrchestrationDetail | undefined;
  list(query: OrchestrationQuery): OrchestrationPage;
  cancel(id: number, actor: Actor): OrchestrationDetail;
}

export function prepareOrchestrations(ctx: StoreContext, resolver: Resolver): OrchestrationOperations {
  const reads = prepareOrchestrationReads(ctx, resolver.summaries);
  const writes = prepareOrchestrationWrites(ctx, resolver, reads);
  const cancel = prepareCancelOrchestration(ctx, resolver, reads);
  return {
    create: writes.create,
    addTasks: writes.addTasks,
    get: reads.get,
    list: reads.list,
    cancel,
  };
}
