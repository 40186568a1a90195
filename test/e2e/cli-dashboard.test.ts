/**
 * `claude-worker dashboard` through the built CLI: it prints a one-time link (starting the server when none runs)
 * that signs a browser in once; it opens no browser with --no-open, in CI or without a display, and says so; a
 * configured server that does not answer is exit 3 with what to check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliHarness } from './cli-harness.js';

let cli: CliHarness;
beforeAll(() => {
  cli = new CliHarness('dashboard');
});
afterAll(async () => {
  await cli.cleanup();
});

async function signIn(link: string): Promise<Response> {
  const url = new URL(link);
  return fetch(`${url.origin}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url.origin },
    body: JSON.stringify({ code: url.hash.replace(/^#code=/, '') }),
  });
}

describe('claude-worker dashboard', () => {
  it('--no-open prints a link that signs in once', async () => {
    const result = await cli.run(['dashboard', '--no-open']);
    expect(result.code, result.stderr).toBe(0);
    const link = result.stdout.trim();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sign-in#code=[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toMatch(/works once, for the next 10 minutes/);
    const first = await signIn(link);
    expect(first.status).toBe(201);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
    const tasks = await fetch(`${new URL(link).origin}/api/v1/tasks`, { headers: { cookie } });
    expect(tasks.status).toBe(200);
    const second = await signIn(link);
    expect(second.status).toBe(401);
    expect(((await second.json()) as { detail: string }).detail).toMatch(
      /already used.*claude-worker dashboard/,
    );
  });

  it('opens no browser in CI or without a display, and says so', async () => {
    const ci = await cli.run(['dashboard'], { env: { CI: 'true' } });
    expect(ci.code).toBe(0);
    expect(ci.stdout.trim()).toMatch(/\/sign-in#code=/);
    expect(ci.stderr).toMatch(/Not opening a browser \(CI is set\)/);
    const headless = await cli.run(['dashboard'], { env: { CI: '', DISPLAY: '', WAYLAND_DISPLAY: '' } });
    expect(headless.code).toBe(0);
    expect(headless.stderr).toMatch(/Not opening a browser \(there is no display/);
  });

  it('a configured server that does not answer is exit 3 saying what to check', async () => {
    const result = await cli.run(['dashboard', '--no-open', '--url', 'http://127.0.0.1:9']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/No claude-worker server answers at http:\/\/127\.0\.0\.1:9/);
    expect(result.stdout).toBe('');
  });
});
