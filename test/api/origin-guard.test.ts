/**
 * The origin rules as a pure function, for the cases a running test server cannot easily show: an IPv6 or wildcard
 * bind, default ports, malformed headers and configured origins behind a proxy.
 */
import { describe, expect, it } from 'vitest';
import { originRefusal } from '../../src/api/origin-guard.js';

const loopback = { bindHost: '127.0.0.1', allowedOrigins: [] };

describe('originRefusal', () => {
  it('lets requests without Origin through when the Host is a loopback name on the port', () => {
    expect(
      originRefusal({ origin: undefined, host: '127.0.0.1:7420', localPort: 7420 }, loopback),
    ).toBeNull();
    expect(
      originRefusal({ origin: undefined, host: 'LOCALHOST:7420', localPort: 7420 }, loopback),
    ).toBeNull();
    expect(originRefusal({ origin: undefined, host: undefined, localPort: 7420 }, loopback)).toBeNull();
    expect(originRefusal({ origin: undefined, host: 'localhost', localPort: 80 }, loopback)).toBeNull();
  });

  it('refuses odd or foreign Host headers on loopback', () => {
    for (const host of ['localhost', 'evil.example:7420', 'a@127.0.0.1:7420', '127.0.0.1:7420/x', '']) {
      expect(originRefusal({ origin: undefined, host, localPort: 7420 }, loopback), host).toMatch(/Host/);
    }
  });

  it('knows the IPv6 loopback bind', () => {
    const v6 = { bindHost: '::1', allowedOrigins: [] };
    expect(
      originRefusal({ origin: 'http://[::1]:7420', host: '[::1]:7420', localPort: 7420 }, v6),
    ).toBeNull();
  });

  it('on a wildcard bind (token required) checks Origin against the Host, not the Host itself', () => {
    const open = { bindHost: '0.0.0.0', allowedOrigins: [] };
    const request = { host: 'worker.lan:7420', localPort: 7420 };
    expect(originRefusal({ ...request, origin: undefined }, open)).toBeNull();
    expect(originRefusal({ ...request, origin: 'http://worker.lan:7420' }, open)).toBeNull();
    expect(originRefusal({ ...request, origin: 'http://evil.example' }, open)).toMatch(/allowed_origins/);
  });

  it('accepts configured origins, and their names as Host behind a proxy', () => {
    const policy = { bindHost: '127.0.0.1', allowedOrigins: ['https://dash.example'] };
    expect(
      originRefusal({ origin: 'https://dash.example', host: 'dash.example', localPort: 7420 }, policy),
    ).toBeNull();
    expect(
      originRefusal({ origin: 'https://dash.example:443', host: '127.0.0.1:7420', localPort: 7420 }, policy),
    ).toBeNull();
    expect(
      originRefusal({ origin: 'http://dash.example', host: '127.0.0.1:7420', localPort: 7420 }, policy),
    ).toMatch(/refused/);
  });
});
