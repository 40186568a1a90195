/**
 * Who may call an /api/v1 route: the bearer token (CLI, scripts, MCP), or a dashboard session cookie. A request
 * signed in by cookie that changes something (any method but GET, HEAD, OPTIONS) must also carry an Origin header
 * naming this server's own origin (or a configured `allowed_origins` entry): SameSite=Strict already keeps other
 * sites' pages from sending the cookie, and this refuses what slips past it (old browsers, sibling subdomains).
 */
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { DashboardAccess } from '../engine/dashboard-access.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import { bearerMatches, unauthorized } from './auth.js';
import { sessionCookieOf } from './session-cookie.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthSettings {
  token: string;
  tokenPath: string;
  allowedOrigins: readonly string[];
  dashboard: DashboardAccess;
}

/** The origin a browser shows for pages of this server, as the request reached it. */
export function ownOrigin(request: FastifyRequest): string | null {
  const host = request.headers.host;
  return host ? `${request.protocol}://${host}`.toLowerCase() : null;
}

/**
 * Why a cookie-authenticated change is refused (a sentence to act on), or null when its Origin is this server's.
 * Called for requests that change state only.
 */
export function csrfRefusal(request: FastifyRequest, allowedOrigins: readonly string[]): string | null {
  const origin = request.headers.origin;
  if (origin === undefined) {
    return 'This change was sent with the dashboard session cookie but without an Origin header. Changes signed in by cookie are accepted only from the dashboard page itself; scripts use `Authorization: Bearer <token>` instead.';
  }
  const own = ownOrigin(request);
  const given = origin.toLowerCase().replace(/\/$/, '');
  const trusted = allowedOrigins.map((o) => o.toLowerCase().replace(/\/$/, ''));
  if ((own !== null && given === own) || trusted.includes(given)) return null;
  return `This change was sent with the dashboard session cookie from the page at "${origin}", which is not this server's own origin${own ? ` (${own})` : ''}. Open the dashboard from the server itself; scripts use \`Authorization: Bearer <token>\`.`;
}

/** The onRequest check of every authenticated route. */
export function authenticator(settings: AuthSettings): onRequestHookHandler {
  return (request, _reply, done) => {
    const header = request.headers.authorization;
    if (bearerMatches(header, settings.token)) {
      done();
      return;
    }
    const cookie = sessionCookieOf(request.headers.cookie);
    if (header !== undefined || cookie === null) {
      done(unauthorized(header, settings.tokenPath));
      return;
    }
    settings.dashboard.checkSession(cookie).then(
      (expires) => {
        if (expires === null) {
          done(settings.dashboard.sessionEnded());
          return;
        }
        const refusal = SAFE_METHODS.has(request.method)
          ? null
          : csrfRefusal(request, settings.allowedOrigins);
        done(refusal ? new ClaudeWorkerError('forbidden', refusal) : undefined);
      },
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  };
}
