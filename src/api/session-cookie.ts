/**
 * The dashboard's session cookie: reading it from a Cookie header, and the Set-Cookie values that start and end a
 * session. HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Path=/, and Secure when
 * the request came over https or people reach the dashboard at an https `dashboard_url` (a TLS-terminating proxy in
 * front of the server). Pure.
 */
import { SESSION_COOKIE } from '../contract/dashboard-schemas.js';

/** The session id in a Cookie header, or null. A cookie given twice is refused (null): no guessing which one. */
export function sessionCookieOf(header: string | undefined): string | null {
  if (!header) return null;
  const values = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SESSION_COOKIE}=`))
    .map((part) => part.slice(SESSION_COOKIE.length + 1));
  return values.length === 1 ? (values[0] ?? null) : null;
}

/** Secure when the browser talks https: the request itself, or the dashboard's public address behind a proxy. */
export function cookieSecure(protocol: string, dashboardUrl: string | null): boolean {
  return protocol === 'https' || (dashboardUrl?.toLowerCase().startsWith('https:') ?? false);
}

function attributes(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Starts a session: the browser keeps the cookie until `maxAgeSeconds` (the server ends it earlier when idle). */
export function setSessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; ${attributes(secure)}`;
}

/** Ends a session in the browser. */
export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${attributes(secure)}`;
}
