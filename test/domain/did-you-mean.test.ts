import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/domain/did-you-mean.js';

describe('editDistance', () => {
  it('counts a swap of two neighbours as one edit', () => {
    expect(editDistance('buidl', 'build')).toBe(1);
    expect(editDistance('build', 'build')).toBe(0);
    expect(editDistance('tset', 'test')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('didYouMean', () => {
  const known = ['build', 'lint', 'test_unit', 'deploy-production'];

  it('suggests the closest identifier within a tolerance that grows with length', () => {
    expect(didYouMean('buidl', known)).toBe('build');
    expect(didYouMean('lnt', known)).toBe('lint');
    expect(didYouMean('test-unit', known)).toBe('test_unit');
    expect(didYouMean('deploy_prodcution', known)).toBe('deploy-production');
    expect(didYouMean('LINT', known)).toBe('lint');
  });

  it('suggests nothing when nothing is close', () => {
    expect(didYouMean('docs', known)).toBeNull();
    expect(didYouMean('x', known)).toBeNull();
  });
});
