// API tokens for the CLI and for scraping /api/metrics. A token is shown once, at creation;
// the database keeps its sha256 and a short prefix to recognise it in lists. A token may expire;
// it stops working when its user is disabled. Administrators list and revoke everyone's.
import { db } from '../db';
import { randomToken, sha256 } from '../crypto';
import { AppError, badRequest, forbidden, notFound } from '../errors';
import { toAuthUser, type AuthUser } from './auth-user';
import { authenticate } from './users';

export const TOKEN_PREFIX = 'dts_';
/** the longest a token may be made to last, in days (ten years) */
export const MAX_TOKEN_DAYS = 3650;

export interface ApiTokenView {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  /** whose token it is */
  username: string;
}

type TokenRow = { id: number; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; user: { username: string } };

function toView(r: TokenRow): ApiTokenView {
  return { id: r.id, name: r.name, prefix: r.prefix, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, expiresAt: r.expiresAt, username: r.user.username };
}

export interface TokenOptions {
  name: string;
  /** days until the token stops working; omit for a token that lasts until revoked */
  expiresInDays?: number;
}

export async function createApiToken(user: AuthUser, opts: TokenOptions): Promise<ApiTokenView & { token: string }> {
  if (opts.expiresInDays !== undefined && !(opts.expiresInDays > 0 && opts.expiresInDays <= MAX_TOKEN_DAYS)) {
    throw badRequest(`expiresInDays: a token expires after 1 to ${MAX_TOKEN_DAYS} days (or omit it for no expiry)`, 'expiresInDays');
  }
  const token = `${TOKEN_PREFIX}${randomToken(24)}`;
  const expiresAt = opts.expiresInDays === undefined ? null : new Date(Date.now() + opts.expiresInDays * 86_400_000);
  const row = await db().apiToken.create({
    data: { name: opts.name, tokenHash: sha256(token), prefix: token.slice(0, 10), userId: user.id, expiresAt },
    include: { user: { select: { username: true } } },
  });
  return { ...toView(row), token };
}

/** Username and password in, a new token out: how the CLI signs in without a browser. */
export async function issueApiToken(
  input: { username: string; password: string } & TokenOptions,
  clientAddress: string | null,
  onLock?: (what: string, until: Date) => Promise<void>,
): Promise<ApiTokenView & { token: string; owner: AuthUser }> {
  const user = await authenticate(input.username, input.password, clientAddress, onLock);
  return { ...(await createApiToken(user, input)), owner: user };
}

/** the caller's tokens; with `all`, an administrator's view of every user's */
export async function listApiTokens(user: AuthUser, opts: { all?: boolean } = {}): Promise<ApiTokenView[]> {
  if (opts.all && user.role !== 'admin') throw forbidden("Only an administrator can list other users' tokens");
  const rows = await db().apiToken.findMany({
    where: opts.all ? {} : { userId: user.id },
    orderBy: { id: 'asc' },
    include: { user: { select: { username: true } } },
  });
  return rows.map(toView);
}

export async function revokeApiToken(user: AuthUser, id: number): Promise<{ ok: true; name: string; username: string }> {
  const row = await db().apiToken.findUnique({ where: { id }, include: { user: { select: { username: true } } } });
  if (!row || (row.userId !== user.id && user.role !== 'admin')) throw notFound(`API token ${id}`);
  await db().apiToken.delete({ where: { id } });
  return { ok: true, name: row.name, username: row.user.username };
}

const TOUCH_EVERY_MS = 60_000;

export interface ResolvedToken {
  user: AuthUser;
  tokenName: string;
}

export async function resolveApiToken(token: string): Promise<ResolvedToken | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await db().apiToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  if (!row || row.user.disabledAt) return null;
  const now = Date.now();
  if (row.expiresAt && row.expiresAt.getTime() <= now) return null;
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
  }
  return { user: toAuthUser(row.user), tokenName: row.name };
}

/** Resolves `Authorization: Bearer <token>`; throws UNAUTHORIZED when the header is missing or wrong. */
export async function requireBearer(authorization: string | null): Promise<ResolvedToken> {
  const m = authorization?.match(/^Bearer\s+(\S+)$/i);
  const resolved = m ? await resolveApiToken(m[1]) : null;
  if (!resolved) throw new AppError('UNAUTHORIZED', 'A valid API token is required (Authorization: Bearer <token>)');
  return resolved;
}
