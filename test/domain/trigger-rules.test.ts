import { describe, expect, it } from 'vitest';
import type { TaskStatus, TriggerRule } from '../../src/domain/vocabulary.js';
import {
  countDependencies,
  evaluateTriggerRule,
  skipReason,
  type TriggerDecision,
} from '../../src/domain/trigger-rules.js';

/** Dependency outcomes as letters: s succeeded, f failed, k skipped, c cancelled, r still running. */
const STATUS: Record<string, TaskStatus> = {
  s: 'completed',
  f: 'failed',
  k: 'skipped',
  c: 'cancelled',
  r: 'running',
};
const decide = (rule: TriggerRule, deps: string) =>
  evaluateTriggerRule(rule, countDependencies([...deps].map((d) => STATUS[d] as TaskStatus)));

const CASES = ['', 'rr', 'sr', 'ss', 'fr', 'fs', 'ff', 'kr', 'ks', 'kk', 'cr', 'cs', 'fk'] as const;

// prettier-ignore
const TABLE: Record<TriggerRule, Record<(typeof CASES)[number], TriggerDecision>> = {
  //            none   running  s+run  all s  f+run   f+s     all f   k+run   k+s     all k   c+run   c+s     f+k
  all_success: { '': 'run', rr: 'wait', sr: 'wait', ss: 'run', fr: 'skip', fs: 'skip', ff: 'skip', kr: 'skip', ks: 'skip', kk: 'skip', cr: 'skip', cs: 'skip', fk: 'skip' },
  all_done: { '': 'run', rr: 'wait', sr: 'wait', ss: 'run', fr: 'wait', fs: 'run', ff: 'run', kr: 'wait', ks: 'run', kk: 'run', cr: 'wait', cs: 'run', fk: 'run' },
  one_success: { '': 'run', rr: 'wait', sr: 'run', ss: 'run', fr: 'wait', fs: 'run', ff: 'skip', kr: 'wait', ks: 'run', kk: 'skip', cr: 'wait', cs: 'run', fk: 'skip' },
  one_failed: { '': 'run', rr: 'wait', sr: 'wait', ss: 'skip', fr: 'run', fs: 'run', ff: 'run', kr: 'wait', ks: 'skip', kk: 'skip', cr: 'wait', cs: 'skip', fk: 'run' },
  all_failed: { '': 'run', rr: 'wait', sr: 'skip', ss: 'skip', fr: 'wait', fs: 'skip', ff: 'run', kr: 'skip', ks: 'skip', kk: 'skip', cr: 'skip', cs: 'skip', fk: 'skip' },
  none_failed: { '': 'run', rr: 'wait', sr: 'wait', ss: 'run', fr: 'skip', fs: 'skip', ff: 'skip', kr: 'wait', ks: 'run', kk: 'run', cr: 'skip', cs: 'skip', fk: 'skip' },
};

describe('evaluateTriggerRule', () => {
  for (const [rule, row] of Object.entries(TABLE) as [TriggerRule, Record<string, TriggerDecision>][]) {
    it(`${rule} decides as documented`, () => {
      const got = Object.fromEntries(CASES.map((c) => [c, decide(rule, c)]));
      expect(got).toEqual(row);
    });
  }
});

describe('countDependencies', () => {
  it('counts terminal statuses as finished and the rest as not', () => {
    expect(
      countDependencies([
        'completed',
        'failed',
        'skipped',
        'cancelled',
        'running',
        'queued',
        'waiting',
        'completed',
      ]),
    ).toEqual({
      succeeded: 2,
      failed: 1,
      skipped: 1,
      cancelled: 1,
      total: 8,
      finished: 5,
    });
  });
});

describe('skipReason', () => {
  it('names the dependency that did not succeed', () => {
    expect(
      skipReason('all_success', [
        { identifier: 'build', status: 'failed' },
        { identifier: 'lint', status: 'running' },
      ]),
    ).toBe('dependency "build" failed');
    expect(skipReason('all_success', [{ identifier: 'build', status: 'cancelled' }])).toBe(
      'dependency "build" was cancelled',
    );
  });

  it('lists several dependencies, and names the rule when it is not the default', () => {
    const deps = [
      { identifier: 'a', status: 'failed' as const },
      { identifier: 'b', status: 'skipped' as const },
      { identifier: 'c', status: 'completed' as const },
    ];
    expect(skipReason('all_success', deps)).toBe('dependencies "a" failed, "b" was skipped');
    expect(skipReason('none_failed', deps)).toBe('dependency "a" failed (trigger rule none_failed)');
    expect(skipReason('all_failed', deps)).toBe(
      'dependencies "b" was skipped, "c" succeeded (trigger rule all_failed)',
    );
    expect(skipReason('one_success', deps.slice(0, 2))).toBe(
      'no dependency succeeded: "a" failed, "b" was skipped (trigger rule one_success)',
    );
    expect(skipReason('one_failed', [deps[2]!])).toBe(
      'no dependency failed: "c" succeeded (trigger rule one_failed)',
    );
  });
});
