// Console users: sign-in checks, operator accounts and password changes.
import { db } from '../db';
import { hashPassword, verifyPassword } from '../crypto';
import { AppError, badRequest, notFound } from '../errors';
import { toAuthUser, type AuthUser } from './auth-user';

export const MIN_PASSWORD_LENGTH = 8;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw badRequest(`The password must have at least ${MIN_PASSWORD_LENGTH} characters`, 'password');
}

/** Returns the user when the password matches; the same error for an unknown user and a wrong password. */
export async function authenticate(username: string, password: string): Promise<AuthUser> {
  const user = await db().user.findUnique({ where: { username } });
  const ok = user ? await verifyPassword(password, user.passwordHash) : false;
  if (!user || !ok) throw new AppError('UNAUTHORIZED', 'Incorrect username or password');
  return toAuthUser(user);
}

export async function createUser(actor: AuthUser, input: { username: string; password: string; role: 'admin' | 'operator' }): Promise<AuthUser> {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'Only an administrator can create users');
  checkPassword(input.password);
  const exists = await db().user.findUnique({ where: { username: input.username } });
  if (exists) throw new AppError('CONFLICT', `User ${input.username} already exists`, 'username');
  const user = await db().user.create({
    data: { username: input.username, role: input.role, passwordHash: await hashPassword(input.password) },
  });
  return toAuthUser(user);
}

/**
 * An administrator sets anyone's password; any user sets their own. Changing a password ends the
 * user's browser sessions (API tokens stay valid until revoked).
 */
export async function setPassword(actor: AuthUser, input: { username: string; password: string }): Promise<{ ok: true }> {
  if (actor.role !== 'admin' && actor.username !== input.username) {
    throw new AppError('FORBIDDEN', 'Only an administrator can set another user\'s password');
  }
  checkPassword(input.password);
  const user = await db().user.findUnique({ where: { username: input.username } });
  if (!user) throw notFound(`User ${input.username}`);
  await db().$transaction([
    db().user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(input.password) } }),
    db().session.deleteMany({ where: { userId: user.id } }),
  ]);
  return { ok: true };
}

export async function listUsers(): Promise<Array<AuthUser & { createdAt: Date }>> {
  const users = await db().user.findMany({ orderBy: { id: 'asc' } });
  return users.map((u) => ({ ...toAuthUser(u), createdAt: u.createdAt }));
}
