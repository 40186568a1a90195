/**
 * Serves the built dashboard (dist/web) on the API server's port: files by path, hashed files under /assets/ cached
 * for a year (immutable), index.html for every other page path (the single-page app routes itself) never cached,
 * and on every answer a strict Content-Security-Policy (nothing but this server), nosniff and no Referer. A path
 * that leaves the folder (`..`, encoded or not) is refused. When the dashboard was not built, `/` says so.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/** Where the build puts the dashboard: dist/web beside dist/api (this file's folder when built). */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../web/', import.meta.url));
}

/** Paths that belong to the API, never to the dashboard: an unknown one is a 404 problem, not index.html. */
const API_PREFIXES = ['/api/', '/mcp', '/health', '/metrics', '/openapi.json'];

export function isDashboardPath(path: string): boolean {
  return !API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT = `The claude-worker dashboard was not built, so there is nothing to show here.
Build it in the claude-worker folder with:

  npm run build

then reload this page. The REST API (/api/v1, /openapi.json) works without it.
`;

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

/** The decoded path split into segments, or null when it tries to leave the folder or is not a plain path. */
function safeSegments(urlPath: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return null;
  return segments;
}

async function fileIn(root: string, segments: string[]): Promise<string | null> {
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, ...segments));
    if (!real.startsWith(realRoot + sep)) return null; // a symlink out of the folder
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** Answers a GET or HEAD of a dashboard path from `root`. */
export async function serveWeb(
  request: FastifyRequest,
  reply: FastifyReply,
  root: string,
): Promise<FastifyReply> {
  const path = (request.url.split('?')[0] ?? '/').split('#')[0] ?? '/';
  securityHeaders(reply);
  const segments = safeSegments(path);
  if (segments === null) {
    return reply
      .code(400)
      .type('text/plain; charset=utf-8')
      .send('This path is refused: it tries to leave the dashboard folder.\n');
  }
  const index = await fileIn(root, ['index.html']);
  if (index === null) {
    return reply
      .code(503)
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send(NOT_BUILT);
  }
  const isAsset = segments[0] === 'assets';
  const file = segments.length > 0 ? await fileIn(root, segments) : null;
  if (file === null && (isAsset || extname(path) !== '')) {
    // A missing file (an old hashed asset, a typo) is a 404, never index.html served as JavaScript.
    return reply
      .code(404)
      .type('text/plain; charset=utf-8')
      .send(`There is no file ${path} in the dashboard.\n`);
  }
  const chosen = file ?? index;
  const body = await readFile(chosen);
  const type = TYPES[extname(chosen).toLowerCase()] ?? 'application/octet-stream';
  const caching =
    isAsset && file !== null
      ? 'public, max-age=31536000, immutable'
      : chosen === index
        ? 'no-cache'
        : 'public, max-age=300';
  return reply.code(200).header('cache-control', caching).type(type).send(body);
}
