/**
 * Dashboard sign-in and serving on a real server (either store): a one-time link signs a browser in once, with an
 * HttpOnly SameSite=Strict cookie; a used or expired link and a wrong token are refused in words that say what to
 * do; cookie-signed changes need this server's Origin; sign-out ends the session. The built app (a fixture folder)
 * is served at / with the SPA fallback, a strict CSP, immutable caching of hashed assets and no path traversal.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/engine/dashboard-access.js';
import { tempDir } from './test-config.js';
import { startTestServer, type TestServer } from './test-server.js';

let t: TestServer;
let parent: string;
let web: string;
const INDEX =
  '<!doctype html><title>claude-worker</title><script type="module" src="/assets/app-1a2b3c.js"></script>';
const APP_JS = 'console.log("dashboard");';

beforeAll(async () => {
  parent = tempDir('cw-web-');
  web = join(parent, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), INDEX);
  writeFileSync(join(web, 'assets', 'app-1a2b3c.js'), APP_JS);
  writeFileSync(join(web, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(parent, 'secret-beside-web.txt'), 'not for browsers');
  t = await startTestServer({}, { webRoot: web });
});
afterAll(async () => {
  await t.close();
  rmSync(parent, { recursive: true, force: true });
});

const url = (path: string) => `${t.server.url}${path}`;
const bearer = () => ({ authorization: `Bearer ${t.server.token}` });

async function newLinkCode(): Promise<string> {
  const answer = await fetch(url('/api/v1/dashboard/links'), { method: 'POST', headers: bearer() });
  expect(answer.status).toBe(201);
  const link = (await answer.json()) as { url: string; expires_at: string };
  expect(link.url).toMatch(new RegExp(`^${t.server.url}/sign-in#code=[A-Za-z0-9_-]{43}$`));
  const minutes = (Date.parse(link.expires_at) - Date.now()) / 60_000;
  expect(minutes).toBeGreaterThan(9);
  expect(minutes).toBeLessThanOrEqual(10);
  return link.url.split('#code=')[1]!;
}

async function signIn(body: Record<string, string>): Promise<Response> {
  return fetch(url('/api/v1/session'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.server.url },
    body: JSON.stringify(body),
  });
}

function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(t.server.url);
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: Number(port), path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

function cookieOf(answer: Response): string {
  const set = answer.headers.get('set-cookie') ?? '';
  return set.split(';')[0]!;
}

describe('signing in', () => {
  it('a link signs in once, with an HttpOnly SameSite=Strict cookie that opens the API; reuse is refused', async () => {
    const code = await newLinkCode();
    const answer = await signIn({ code });
    expect(answer.status).toBe(201);
    const body = (await answer.json()) as { expires_at: string };
    const hours = (Date.parse(body.expires_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
    const set = answer.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^claude_worker_session=[A-Za-z0-9_-]{43};/);
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Strict/);
    expect(set).toMatch(/; Path=\//);
    expect(set).not.toMatch(/Secure/); // plain http on loopback
    const maxAge = Number(/Max-Age=(\d+)/.exec(set)?.[1]);
    expect(maxAge).toBeGreaterThan(7 * 86_400 - 600); // the browser keeps it 7 days at most
    expect(maxAge).toBeLessThanOrEqual(7 * 86_400);
    const cookie = cookieOf(answer);

    const tasks = await fetch(url('/api/v1/tasks'), { headers: { cookie } });
    expect(tasks.status).toBe(200);
    const session = await fetch(url('/api/v1/session'), { headers: { cookie } });
    expect(await session.json()).toMatchObject({ signed_in: true });

    const again = await signIn({ code });
    expect(again.status).toBe(401);
    const problem = (await again.json()) as { detail: string };
    expect(problem.detail).toMatch(/already used/);
    expect(problem.detail).toContain('claude-worker dashboard');
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('an expired link says it expired; an unknown one says it is not valid', async () => {
    const code = 'E'.repeat(43);
    const now = Date.now();
    await t.server.app.store.createDashboardLink(hashSecret(code), now - 11 * 60_000, now - 60_000);
    const answer = await signIn({ code });
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { detail: string }).detail).toMatch(
      /expired .*10 minutes.*claude-worker dashboard/,
    );
    const unknown = await signIn({ code: 'U'.repeat(43) });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(/not valid/);
  });

  it('the API token pasted signs in; a wrong one is refused; neither or both is a 400', async () => {
    const wrong = await signIn({ token: 'nope' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { detail: string }).detail).toMatch(/not this server's API token/);
    const right = await signIn({ token: t.server.token });
    expect(right.status).toBe(201);
    expect(cookieOf(right)).toMatch(/^claude_worker_session=/);
    expect((await signIn({})).status).toBe(400);
    expect((await signIn({ code: 'x', token: 'y' })).status).toBe(400);
  });

  it('a session past its expiry is refused with how to sign in again', async () => {
    const id = 'S'.repeat(43);
    const now = Date.now();
    await t.server.app.store.createDashboardSession(hashSecret(id), now - 13 * 3_600_000, now - 1000);
    const answer = await fetch(url('/api/v1/tasks'), { headers: { cookie: `claude_worker_session=${id}` } });
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { detail: string }).detail).toMatch(
      /session has ended.*claude-worker dashboard/,
    );
    const status = await fetch(url('/api/v1/session'), {
      headers: { cookie: `claude_worker_session=${id}` },
    });
    expect(status.status).toBe(401);
    expect((await fetch(url('/api/v1/session'))).status).toBe(401);
  });
});

describe('changes signed in by cookie', () => {
  it('need this server’s Origin: none or a foreign one is refused and creates nothing', async () => {
    const cookie = cookieOf(await signIn({ code: await newLinkCode() }));
    const before = (await t.client.listTasks()).tasks.length;
    const task = JSON.stringify({ execution_prompt: 'from the dashboard', working_directory: t.workdir });
    const post = (headers: Record<string, string>) =>
      fetch(url('/api/v1/tasks'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: task,
      });
    const noOrigin = await post({});
    expect(noOrigin.status).toBe(403);
    expect(((await noOrigin.json()) as { detail: string }).detail).toMatch(/without an Origin header/);
    const foreign = await post({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await t.client.listTasks()).tasks.length).toBe(before);
    const own = await post({ origin: t.server.url });
    expect(own.status).toBe(201);
  });

  it('the event stream opens with the cookie alone (EventSource sends no headers)', async () => {
    const cookie = cookieOf(await signIn({ code: await newLinkCode() }));
    const controller = new AbortController();
    const answer = await fetch(url('/api/v1/events/stream'), {
      headers: { cookie },
      signal: controller.signal,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/text\/event-stream/);
    controller.abort();
    await answer.body?.cancel().catch(() => undefined);
  });

  it('sign-out deletes the session and clears the cookie; the old cookie no longer works', async () => {
    const cookie = cookieOf(await signIn({ code: await newLinkCode() }));
    const foreign = await fetch(url('/api/v1/session'), { method: 'DELETE', headers: { cookie } });
    expect(foreign.status).toBe(403); // no Origin: not from the dashboard page
    const out = await fetch(url('/api/v1/session'), {
      method: 'DELETE',
      headers: { cookie, origin: t.server.url },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(
      /^claude_worker_session=; Max-Age=0;.*HttpOnly; SameSite=Strict/,
    );
    const after = await fetch(url('/api/v1/tasks'), { headers: { cookie } });
    expect(after.status).toBe(401);
  });
});

describe('serving the dashboard', () => {
  const CSP =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

  it('serves index.html at / and for app paths, never cached, with the security headers', async () => {
    for (const path of ['/', '/tasks/123', '/sign-in', '/orchestrations/4?x=1']) {
      const answer = await fetch(url(path));
      expect(answer.status, path).toBe(200);
      expect(await answer.text()).toBe(INDEX);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.headers.get('cache-control')).toBe('no-cache');
      expect(answer.headers.get('content-security-policy')).toBe(CSP);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('serves hashed assets for a year, immutable; a missing asset is a 404, not the page', async () => {
    const asset = await fetch(url('/assets/app-1a2b3c.js'));
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe(APP_JS);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-security-policy')).toBe(CSP);
    const icon = await fetch(url('/favicon.svg'));
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    const missing = await fetch(url('/assets/app-old.js'));
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('<!doctype');
  });

  it('refuses paths that leave the folder', async () => {
    // Sent byte for byte (fetch would normalise the dots away before they reach the server).
    for (const path of [
      '/..%2fsecret-beside-web.txt',
      '/assets/..%2f..%2fsecret-beside-web.txt',
      '/%2e%2e/secret-beside-web.txt',
      '/../secret-beside-web.txt',
      '/assets/%2e%2e%5c..%5csecret-beside-web.txt',
    ]) {
      const answer = await rawGet(path);
      expect(answer.status, path).toBe(400);
      expect(answer.body).toMatch(/refused/);
      expect(answer.body).not.toContain('not for browsers');
    }
  });

  it('leaves the API alone: an unknown API path is a 404 problem, and never the page', async () => {
    const unknown = await fetch(url('/api/v1/nope'), { headers: bearer() });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('a server whose dashboard was not built', () => {
  it('answers / with a short page saying how to build it', async () => {
    const bare = await startTestServer({}, { webRoot: join(tempDir('cw-noweb-'), 'missing') });
    try {
      const answer = await fetch(`${bare.server.url}/`);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await answer.text();
      expect(text).toMatch(/dashboard was not built/);
      expect(text).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});

describe('a dashboard reached through a TLS proxy', () => {
  it('marks the sign-in and sign-out cookies Secure when dashboard_url is https', async () => {
    const proxied = await startTestServer({ dashboard_url: 'https://cw.example.com' });
    try {
      const answer = await fetch(`${proxied.server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: proxied.server.url },
        body: JSON.stringify({ token: proxied.server.token }),
      });
      expect(answer.status).toBe(201);
      expect(answer.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
      const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0]!;
      const out = await fetch(`${proxied.server.url}/api/v1/session`, {
        method: 'DELETE',
        headers: { cookie, origin: proxied.server.url },
      });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0;.*; Secure$/);
    } finally {
      await proxied.close();
    }
  });
});
