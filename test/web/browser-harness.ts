/**
 * What the browser tests share: a real server (real store, the Claude Code stand-in) serving the built dashboard
 * (dist/web, from `npm run build`), Debian's chromium driven by playwright-core, signing in with a one-time link,
 * screenshots kept in test-artifacts/, and axe-core run inside the page.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { runServer, type RunningServer } from '../../src/serve.js';
import { ClaudeWorkerClient } from '../../src/client/http-client.js';
import { apiTestConfig, tempDir } from '../api/test-config.js';

export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const CHROMIUM = process.env.CLAUDE_WORKER_TEST_CHROMIUM ?? '/usr/bin/chromium';

export interface Dashboard {
  server: RunningServer;
  client: ClaudeWorkerClient;
  browser: Browser;
  /** A folder tasks run in. */
  workdir: string;
  url: string;
  /** A fresh browser context signed in with a one-time link, showing the task list. */
  signedIn(options?: { width?: number; height?: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** A one-time sign-in link from the API (as `claude-worker dashboard` prints). */
  link(): Promise<string>;
  close(): Promise<void>;
}

export async function startDashboard(): Promise<Dashboard> {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    throw new Error(`${WEB_ROOT}index.html is missing: run \`npm run build\` first (npm test does).`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.`);
  }
  const home = tempDir('cw-web-home-');
  const workdir = tempDir('cw-web-work-');
  const config = apiTestConfig(home, { concurrency: 4 });
  // webRoot: the built dashboard (the server finds dist/web beside dist/api when it runs from the package).
  const options = { handleSignals: false, webRoot: WEB_ROOT };
  const server = await runServer(config, options);
  const client = new ClaudeWorkerClient({ url: server.url, token: server.token });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });

  const link = async (): Promise<string> => {
    const response = await fetch(`${server.url}/api/v1/dashboard/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
    });
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(`POST /api/v1/dashboard/links answered ${response.status}: ${await response.text()}`);
    }
    return ((await response.json()) as { url: string }).url;
  };

  return {
    server,
    client,
    browser,
    workdir,
    url: server.url,
    link,
    async signedIn(size = {}) {
      const context = await browser.newContext({
        viewport: { width: size.width ?? 1440, height: size.height ?? 900 },
        colorScheme: 'light',
      });
      context.setDefaultTimeout(20_000);
      const page = await context.newPage();
      await page.goto(await link());
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).waitFor();
      return { context, page };
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      rmSync(workdir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of the page to test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page (through the debugger, so the page's CSP does not apply) and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}
