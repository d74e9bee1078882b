// Console users: sign-in checks, accounts (create, disable, enable) and password changes.
import { db } from '../db';
import { hashPassword, verifyPassword } from '../crypto';
import { AppError, badRequest, forbidden, notFound } from '../errors';
import { toAuthUser, type AuthUser, type Role } from './auth-user';
import { beginSignIn, clearSignInLock } from './login-throttle';
import { normalizeUsername } from './usernames';

export const MIN_PASSWORD_LENGTH = 8;

/**
 * Compared against when the user does not exist, so that an unknown name and a wrong password
 * take the same time (one scrypt). The hash of a random password nobody knows.
 */
const DUMMY_HASH = 'scrypt:9Jw0Xv9d5cQ0m9kq5ZrYxw==:0b4mVQWQe4rW2o8sE1mC8m0mN8t9XnS0kQ3x2fXbLxA=';

function checkPassword(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw badRequest(`The password must have at least ${MIN_PASSWORD_LENGTH} characters`, field);
}

const WRONG = () => new AppError('UNAUTHORIZED', 'Incorrect username or password');

export interface SignInResult {
  user: AuthUser;
}

/**
 * Returns the user when the password matches; the same error, in the same time, for an unknown
 * user and a wrong password. Throttled per account and per client address (login-throttle.ts);
 * `onLock` hears when this failure locked one of them.
 */
export async function authenticate(
  rawUsername: string,
  password: string,
  clientAddress: string | null = null,
  onLock?: (what: string, until: Date) => Promise<void>,
): Promise<AuthUser> {
  const username = normalizeUsername(rawUsername);
  const attempt = await beginSignIn(username, clientAddress);
  const user = await db().user.findUnique({ where: { username } });
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) {
    const locked = await attempt.failed();
    if (locked.lockedUntil && locked.what && onLock) await onLock(locked.what, locked.lockedUntil);
    throw WRONG();
  }
  await attempt.succeeded();
  if (user.disabledAt) throw new AppError('FORBIDDEN', `The user ${user.username} is disabled; ask an administrator to enable it`);
  return toAuthUser(user);
}

export async function createUser(actor: AuthUser, input: { username: string; password: string; role: Role }): Promise<AuthUser> {
  if (actor.role !== 'admin') throw forbidden('Only an administrator can create users');
  const username = normalizeUsername(input.username);
  checkPassword(input.password);
  const exists = await db().user.findUnique({ where: { username } });
  if (exists) throw new AppError('CONFLICT', `User ${username} already exists`, 'username');
  const user = await db().user.create({
    data: { username, role: input.role, passwordHash: await hashPassword(input.password) },
  });
  return toAuthUser(user);
}

/**
 * An administrator sets anyone's password; any user sets their own, with their current password.
 * Changing a password ends the user's other browser sessions (the one that changed its own stays);
 * an administrator's change also lifts a sign-in lock. API tokens stay valid until revoked.
 */
export async function setPassword(
  actor: AuthUser,
  input: { username: string; password: string; currentPassword?: string },
  opts: { currentSessionId?: string | null; clientAddress?: string | null } = {},
): Promise<{ ok: true }> {
  const username = normalizeUsername(input.username);
  const own = actor.username === username;
  if (!own && actor.role !== 'admin') throw forbidden("Only an administrator can set another user's password");
  checkPassword(input.password);
  const user = await db().user.findUnique({ where: { username } });
  if (!user) throw notFound(`User ${username}`);
  if (own) {
    if (!input.currentPassword) throw badRequest('Enter your current password to set a new one', 'currentPassword');
    // guesses of the current password count as failed sign-ins of the account
    const attempt = await beginSignIn(username, opts.clientAddress ?? null);
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      await attempt.failed();
      throw badRequest('The current password is not correct', 'currentPassword');
    }
    await attempt.succeeded();
  }
  const keep = own && opts.currentSessionId ? { id: { not: opts.currentSessionId } } : {};
  await db().$transaction([
    db().user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(input.password) } }),
    db().session.deleteMany({ where: { userId: user.id, ...keep } }),
  ]);
  if (!own) await clearSignInLock(username);
  return { ok: true };
}

/**
 * Disables a user (its sessions end now; its API tokens stop working, as every request checks)
 * or enables it again. An administrator cannot disable themselves.
 */
export async function setUserDisabled(actor: AuthUser, input: { username: string; disabled: boolean }): Promise<UserView> {
  if (actor.role !== 'admin') throw forbidden('Only an administrator can disable or enable users');
  const username = normalizeUsername(input.username);
  if (username === actor.username && input.disabled) throw badRequest('You cannot disable yourself; ask another administrator', 'username');
  const user = await db().user.findUnique({ where: { username } });
  if (!user) throw notFound(`User ${username}`);
  const [updated] = await db().$transaction([
    db().user.update({ where: { id: user.id }, data: { disabledAt: input.disabled ? (user.disabledAt ?? new Date()) : null } }),
    db().session.deleteMany({ where: { userId: input.disabled ? user.id : -1 } }),
  ]);
  if (!input.disabled) await clearSignInLock(username);
  return toView(updated);
}

export interface UserView extends AuthUser {
  createdAt: Date;
  disabled: boolean;
}

function toView(u: { id: number; username: string; role: Role; createdAt: Date; disabledAt: Date | null }): UserView {
  return { ...toAuthUser(u), createdAt: u.createdAt, disabled: u.disabledAt !== null };
}

export async function listUsers(): Promise<UserView[]> {
  return (await db().user.findMany({ orderBy: { id: 'asc' } })).map(toView);
}
