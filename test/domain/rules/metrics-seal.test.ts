/**
 * When the sealed totals of `/metrics` move: once the live window is two hours long, back to one hour; a long
 * catch-up in steps that always move forward.
 */
import { describe, expect, it } from 'vitest';
import { nextSealBefore, sealStepBefore } from '../../../src/domain/rules/metrics-seal.js';

const HOUR = 3_600_000;
const now = Date.parse('2026-12-01T10:00:00.000Z');

describe('nextSealBefore', () => {
  it('seals up to an hour ago once the live window is over two hours long', () => {
    expect(nextSealBefore(0, now)).toBe(now - HOUR);
    expect(nextSealBefore(now - 2 * HOUR - 1, now)).toBe(now - HOUR);
  });

  it('waits while the live window is two hours or shorter (a clock behind the last sealer too)', () => {
    expect(nextSealBefore(now - 2 * HOUR, now)).toBeNull();
    expect(nextSealBefore(now - HOUR, now)).toBeNull();
    expect(nextSealBefore(now - HOUR, now - 30 * 60_000)).toBeNull();
  });
});

describe('sealStepBefore', () => {
  const target = now - HOUR;

  it('goes to the target when the attempts left end before it, or there are none', () => {
    expect(sealStepBefore(0, target, null)).toBe(target);
    expect(sealStepBefore(0, target, target + 5)).toBe(target);
    expect(sealStepBefore(0, target, target)).toBe(target);
  });

  it('stops a step at the first attempt past it', () => {
    expect(sealStepBefore(1_000, target, 50_000)).toBe(50_000);
  });

  it('moves past `from` even when the whole step finished in one millisecond', () => {
    expect(sealStepBefore(1_000, target, 1_000)).toBe(1_001);
  });
});
