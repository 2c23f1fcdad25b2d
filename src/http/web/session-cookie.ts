// The session cookie, and the CSRF check every state-changing form goes through.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session, Sessions } from '../../services/sessions.js';
import { constantTimeEqual } from '../../services/secrets.js';

export const SESSION_COOKIE = 'tessera_session';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setSessionCookie(reply: FastifyReply, session: Session, secure: boolean, maxAgeSeconds: number): void {
  const attributes = [`${SESSION_COOKIE}=${session.cookie}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
  if (secure) attributes.push('Secure');
  reply.header('set-cookie', attributes.join('; '));
}

export async function currentSession(sessions: Sessions, request: FastifyRequest): Promise<Session | undefined> {
  return sessions.load(readCookie(request, SESSION_COOKIE));
}

/** The session, creating an anonymous one (with its CSRF token) when the browser has none. */
export async function ensureSession(sessions: Sessions, request: FastifyRequest, reply: FastifyReply, secure: boolean, maxAge: number): Promise<Session> {
  const existing = await currentSession(sessions, request);
  if (existing) return existing;
  const session = await sessions.start();
  setSessionCookie(reply, session, secure, maxAge);
  return session;
}

export function csrfValid(session: Session | undefined, submitted: unknown): boolean {
  return session !== undefined && typeof submitted === 'string' && constantTimeEqual(submitted, session.csrf_token);
}

/** A return URL we will redirect to: a local path only (no scheme, no `//host`, no backslash tricks). */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  // Percent-encode what a Location header cannot carry (spaces, non-ASCII); a lone surrogate makes it unusable.
  try {
    return value.replace(/[^\u0021-\u007e]+/gu, (run) => encodeURIComponent(run));
  } catch {
    return '/';
  }
}

export function parseForm(body: unknown): URLSearchParams {
  return new URLSearchParams(typeof body === 'string' ? body : '');
}
