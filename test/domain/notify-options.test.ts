/**
 * The rules of a task's own notify settings: which endings are heard, why a chat channel stays silent, how an
 * orchestration's settings merge beneath a task's, and how a task's sound setting meets the machine's.
 */
import { describe, expect, it } from 'vitest';
import { alertWanted } from '../../src/domain/local-alerts.js';
import {
  channelSilence,
  describeNotify,
  endingWanted,
  mergeNotify,
} from '../../src/domain/notify-options.js';

describe('notify settings', () => {
  it('hears every ending without an `on` list, and only the named ones with it', () => {
    expect(endingWanted(null, 'task.completed', null)).toBe(true);
    expect(endingWanted({ on: ['failed'] }, 'task.completed', null)).toBe(false);
    expect(endingWanted({ on: ['failed'] }, 'task.failed', 'timeout')).toBe(true);
    expect(endingWanted({ on: ['failed'] }, 'orchestration.failed', null)).toBe(true);
    expect(endingWanted({ on: [] }, 'task.failed', null)).toBe(false);
    // The server's own notices report such a failure as task.needs_attention: `on: [failed]` still hears it.
    expect(endingWanted({ on: ['failed'] }, 'task.needs_attention', 'auth')).toBe(true);
  });

  it('needs_attention hears only the failures a person must act on', () => {
    const on = { on: ['needs_attention' as const] };
    expect(endingWanted(on, 'task.failed', 'auth')).toBe(true);
    expect(endingWanted(on, 'task.failed', 'timeout')).toBe(false);
    expect(endingWanted(on, 'task.needs_attention', 'auth')).toBe(true);
    expect(endingWanted(on, 'task.completed', null)).toBe(false);
  });

  it('says why a chat channel stays silent', () => {
    expect(channelSilence({ slack: 'off' }, 'slack', 'task.completed', null)).toBe(
      'its notify settings turn slack off',
    );
    expect(channelSilence({ slack: 'off' }, 'discord', 'task.completed', null)).toBeNull();
    expect(channelSilence({ on: ['failed', 'needs_attention'] }, 'discord', 'task.completed', null)).toBe(
      'its notify settings ask only for failed, needs_attention',
    );
    expect(channelSilence({ slack: 'on' }, 'slack', 'task.failed', 'auth')).toBeNull();
  });

  it("merges a task's own settings over its orchestration's, key by key", () => {
    expect(mergeNotify({ on: ['failed'], slack: 'off' }, { slack: 'on', sound: 'on' })).toEqual({
      on: ['failed'],
      slack: 'on',
      sound: 'on',
    });
    expect(mergeNotify(null, undefined)).toBeNull();
    expect(mergeNotify({}, {})).toBeNull();
    expect(describeNotify({ on: ['failed'], slack: 'off' })).toBe('only failed · slack off');
  });

  it('lets a task turn its sound on where the machine says auto, never where it says off or in CI', () => {
    const daemon = { terminal: false, env: {} };
    const ci = { terminal: true, env: { CI: 'true' } };
    const desk = { terminal: true, env: {} };
    expect(alertWanted('auto', daemon, undefined)).toBe(false);
    expect(alertWanted('auto', daemon, 'on')).toBe(true);
    expect(alertWanted('auto', desk, undefined)).toBe(true);
    expect(alertWanted('auto', desk, 'off')).toBe(false);
    expect(alertWanted('off', desk, 'on')).toBe(false);
    expect(alertWanted('auto', ci, 'on')).toBe(false);
    expect(alertWanted('on', ci, undefined)).toBe(true);
    expect(alertWanted('on', ci, 'off')).toBe(false);
  });
});
