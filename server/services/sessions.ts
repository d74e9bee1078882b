// Browser sessions: an HTTP-only cookie holds a random token; the database keeps only its
// sha256 as Session.id, plus the CSRF token that mutations must echo in `x-csrf-token`. A
// session ends after DTS_SESSION_IDLE_MINUTES without a request, after DTS_SESSION_MAX_HOURS in
// any case, and at once when its user is disabled.
import { security } from '../config';
import { db } from '../db';
import { randomToken, sha256 } from '../crypto';
import { toAuthUser, type AuthUser } from './auth-user';

export const SESSION_COOKIE = 'dts_session';
export const CSRF_HEADER = 'x-csrf-token';
/** lastSeenAt is written at most this often, not on every request */
const TOUCH_EVERY_MS = 30_000;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(userId: number): Promise<NewSession> {
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = new Date(Date.now() + security.sessionMaxHours() * 3_600_000);
  await db().session.create({ data: { id: sha256(token), userId, csrfToken, expiresAt } });
  return { token, csrfToken, expiresAt };
}

export interface ResolvedSession {
  /** Session.id: the token's hash */
  id: string;
  user: AuthUser;
  csrfToken: string;
}

export async function resolveSession(token: string): Promise<ResolvedSession | null> {
  const id = sha256(token);
  const s = await db().session.findUnique({ where: { id }, include: { user: true } });
  if (!s) return null;
  const now = Date.now();
  const idle = now - s.lastSeenAt.getTime() > security.sessionIdleMinutes() * 60_000;
  if (s.expiresAt.getTime() <= now || idle || s.user.disabledAt) {
    await db().session.deleteMany({ where: { id } });
    return null;
  }
  if (now - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db().session.updateMany({ where: { id }, data: { lastSeenAt: new Date(now) } });
  }
  return { id, user: toAuthUser(s.user), csrfToken: s.csrfToken };
}

export async function deleteSession(token: string): Promise<void> {
  await db().session.deleteMany({ where: { id: sha256(token) } });
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** Reads one cookie from a Cookie header; a malformed value counts as no cookie. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() !== name) continue;
    try {
      const value = decodeURIComponent(part.slice(i + 1).trim());
      // our tokens are base64url; anything else cannot be a session of ours
      return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
