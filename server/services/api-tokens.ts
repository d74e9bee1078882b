// API tokens for the CLI and for scraping /api/metrics. A token is shown once, at creation;
// the database keeps its sha256 and a short prefix to recognise it in lists.
import { db } from '../db';
import { randomToken, sha256 } from '../crypto';
import { AppError, notFound } from '../errors';
import { toAuthUser, type AuthUser } from './auth-user';
import { authenticate } from './users';

export const TOKEN_PREFIX = 'dts_';

export interface ApiTokenView {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export async function createApiToken(user: AuthUser, name: string): Promise<ApiTokenView & { token: string }> {
  const token = `${TOKEN_PREFIX}${randomToken(24)}`;
  const row = await db().apiToken.create({
    data: { name, tokenHash: sha256(token), prefix: token.slice(0, 10), userId: user.id },
  });
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, token };
}

/** Username and password in, a new token out: how the CLI signs in without a browser. */
export async function issueApiToken(input: { username: string; password: string; name: string }): Promise<ApiTokenView & { token: string }> {
  const user = await authenticate(input.username, input.password);
  return createApiToken(user, input.name);
}

export async function listApiTokens(user: AuthUser): Promise<ApiTokenView[]> {
  const rows = await db().apiToken.findMany({ where: { userId: user.id }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt }));
}

export async function revokeApiToken(user: AuthUser, id: number): Promise<{ ok: true }> {
  const row = await db().apiToken.findUnique({ where: { id } });
  if (!row || (row.userId !== user.id && user.role !== 'admin')) throw notFound(`API token ${id}`);
  await db().apiToken.delete({ where: { id } });
  return { ok: true };
}

const TOUCH_EVERY_MS = 60_000;

export async function resolveApiToken(token: string): Promise<AuthUser | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db().apiToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  if (!row) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  }
  return toAuthUser(row.user);
}

/** Resolves `Authorization: Bearer <token>`; throws UNAUTHORIZED when the header is missing or wrong. */
export async function requireBearer(authorization: string | null): Promise<AuthUser> {
  const m = authorization?.match(/^Bearer\s+(\S+)$/i);
  const user = m ? await resolveApiToken(m[1]) : null;
  if (!user) throw new AppError('UNAUTHORIZED', 'A valid API token is required (Authorization: Bearer <token>)');
  return user;
}
