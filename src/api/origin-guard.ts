/**
 * Requests a browser makes on a web page's behalf. Every route refuses a foreign `Origin` (403), so a page the user
 * happens to visit cannot drive the API (the MCP specification asks this of /mcp). A loopback server also refuses a
 * `Host` header that is not a loopback name (DNS rebinding: a page whose name now points at 127.0.0.1 is "same
 * origin" for the browser, but its Host header still carries its own name). Allowed: no Origin at all (CLI, curl,
 * MCP clients), the server's own origin (a dashboard it serves), loopback origins on its port, and the configured
 * `allowed_origins`. Pure: the server's hook passes the headers and the port the request arrived on.
 */
import { isLoopback } from './listen.js';

export interface OriginPolicy {
  /** The address the server binds (`host` setting). */
  bindHost: string;
  /** `allowed_origins`: extra browser origins, such as a dashboard's development server. */
  allowedOrigins: readonly string[];
}

export interface RequestOrigin {
  origin: string | undefined;
  host: string | undefined;
  /** The port the request arrived on. */
  localPort: number;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Why the request is refused (a sentence a person can act on), or null when it may proceed. */
export function originRefusal(request: RequestOrigin, policy: OriginPolicy): string | null {
  const { host, origin, localPort } = request;
  const allowed = new Set(policy.allowedOrigins.map((o) => normalOrigin(o)).filter((o) => o !== null));
  const hostName = host === undefined ? null : hostAndPort(host);
  if (isLoopback(policy.bindHost) && host !== undefined) {
    const loopbackHosts = new Set(
      [...LOOPBACK_NAMES, bracketed(policy.bindHost)].map((name) => `${name}:${localPort}`),
    );
    // A configured origin's name is accepted on any port: a proxy in front may or may not pass the port on.
    const configuredNames = new Set([...allowed].map((o) => new URL(o).hostname));
    const name = hostName?.replace(/:\d+$/, '') ?? '';
    if (hostName === null || (!loopbackHosts.has(hostName) && !configuredNames.has(name))) {
      return `This server listens on loopback and does not answer to the Host "${host}". Use http://127.0.0.1:${localPort} (or localhost); a web page reaching it under another name is refused (DNS rebinding). To serve a name on purpose, add its origin to allowed_origins.`;
    }
  }
  if (origin === undefined) return null;
  const given = normalOrigin(origin);
  if (given !== null) {
    if (allowed.has(given)) return null;
    if (hostName !== null && given === `http://${hostName}`) return null; // same origin: a page this server serves
    if (LOOPBACK_NAMES.some((name) => given === `http://${name}:${localPort}`)) return null;
  }
  return `Requests from the web page at origin "${origin}" are refused: browser pages may only call this server from its own origin. If that page is yours (a dashboard's development server, for example), add "${given ?? origin}" to allowed_origins (CLAUDE_WORKER_ALLOWED_ORIGINS).`;
}

/** `HTTP://LocalHost:80` → `http://localhost:80`; null for text that is not an http(s) origin. */
function normalOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.length > 1) return null;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.protocol}//${url.hostname}:${port}`;
}

/** A Host header as `name:port` (the port defaulting to 80), lowercase; null when it cannot be read. */
function hostAndPort(host: string): string | null {
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return null;
  }
  if (url.username || url.password || url.pathname !== '/' || `${url.host}` === '') return null;
  return `${url.hostname}:${url.port || '80'}`;
}

function bracketed(host: string): string {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h.includes(':') ? `[${h}]` : h;
}
