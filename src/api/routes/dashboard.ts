/**
 * Dashboard sign-in routes: a one-time link for the CLI (`claude-worker dashboard`), starting a session from a
 * link's code or the pasted API token (the cookie is set here), reading and ending the session. The rules (once
 * only, 10 minutes, sliding expiry) live in the dashboard access service and domain/dashboard-access.ts.
 */
import type { App } from '../../app.js';
import {
  DashboardLinkSchema,
  SessionCreatedSchema,
  SessionCreateInput,
  SessionStatusSchema,
} from '../../contract/dashboard-schemas.js';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { bearerMatches } from '../auth.js';
import { csrfRefusal, ownOrigin } from '../request-auth.js';
import { defineRoute, type Route } from '../route-table.js';
import { clearSessionCookie, cookieSecure, sessionCookieOf, setSessionCookie } from '../session-cookie.js';

const TAG = 'dashboard';

export function dashboardRoutes(app: App, token: string): Route[] {
  const dashboard = app.dashboard;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/dashboard/links',
      tag: TAG,
      auth: true,
      summary: 'Make a one-time sign-in link for the dashboard',
      description:
        'The link is `<server>/sign-in#code=<code>`: the code sits in the fragment, so it never reaches a server log or a Referer. It works once, within 10 minutes. `claude-worker dashboard` calls this.',
      responses: { 201: { description: 'The link', schema: DashboardLinkSchema } },
      handler: async ({ request, reply }) => {
        const link = await dashboard.issueLink();
        const base = ownOrigin(request) ?? `http://127.0.0.1:${request.socket.localPort ?? 0}`;
        reply.code(201);
        return { url: `${base}/sign-in#code=${link.code}`, expires_at: link.expires_at.toISOString() };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/session',
      tag: TAG,
      auth: false,
      summary: 'Sign in to the dashboard',
      description:
        'With `code` (from a sign-in link) or `token` (the API token). Sets the `claude_worker_session` cookie (HttpOnly, SameSite=Strict, Path=/; Secure over https). A used, expired or unknown link, or a wrong token, is refused with 401 saying which and how to get a new link.',
      body: SessionCreateInput,
      bodyLabel: 'The sign-in',
      responses: {
        201: { description: 'Signed in; the cookie is set', schema: SessionCreatedSchema },
        400: { description: 'Neither or both of code and token' },
        401: { description: 'The link was used, expired or unknown, or the token is wrong' },
      },
      handler: async ({ body, request, reply }) => {
        let session;
        if (body.code !== undefined) {
          session = await dashboard.signInWithCode(body.code);
        } else {
          if (!bearerMatches(`Bearer ${body.token ?? ''}`, token)) {
            throw new ClaudeWorkerError(
              'unauthorized',
              `That is not this server's API token. Paste the token from ${app.paths.token} (or CLAUDE_WORKER_TOKEN when the server uses one), or run \`claude-worker dashboard\` for a sign-in link.`,
            );
          }
          session = await dashboard.startSession();
        }
        const maxAge = (session.max_expires_at.getTime() - Date.now()) / 1000;
        reply
          .code(201)
          .header(
            'set-cookie',
            setSessionCookie(session.id, maxAge, cookieSecure(request.protocol, app.config.dashboard_url)),
          );
        reply.header('cache-control', 'no-store');
        return { expires_at: session.expires_at.toISOString() };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/session',
      tag: TAG,
      auth: false,
      summary: 'Is this browser signed in?',
      responses: {
        200: { description: 'Signed in, until expires_at (extended by use)', schema: SessionStatusSchema },
        401: { description: 'Not signed in, or the session ended' },
      },
      handler: async ({ request, reply }) => {
        const cookie = sessionCookieOf(request.headers.cookie);
        const expires = cookie === null ? null : await dashboard.checkSession(cookie);
        if (expires === null) {
          if (cookie !== null) throw dashboard.sessionEnded();
          throw new ClaudeWorkerError(
            'unauthorized',
            'This browser is not signed in to the dashboard. Run `claude-worker dashboard` for a sign-in link, or sign in with the API token.',
          );
        }
        reply.header('cache-control', 'no-store');
        return { signed_in: true, expires_at: expires.toISOString() };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/session',
      tag: TAG,
      auth: false,
      summary: 'Sign out of the dashboard',
      description:
        'Ends the session in the store and clears the cookie. Answers 204 even when already signed out.',
      responses: { 204: { description: 'Signed out' }, 403: { description: 'Sent from another origin' } },
      handler: async ({ request, reply }) => {
        const cookie = sessionCookieOf(request.headers.cookie);
        if (cookie !== null) {
          const refusal = csrfRefusal(request, app.config.allowed_origins);
          if (refusal) throw new ClaudeWorkerError('forbidden', refusal);
          await dashboard.endSession(cookie);
        }
        reply
          .code(204)
          .header('set-cookie', clearSessionCookie(cookieSecure(request.protocol, app.config.dashboard_url)));
        return reply.send();
      },
    }),
  ];
}
