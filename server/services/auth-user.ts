// The authenticated principal as the API sees it. Never carries a password hash.
import type { User } from '../generated/prisma/client';

/** admin: everything and the users; operator: tasks and connections; viewer: reads only */
export type Role = 'admin' | 'operator' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export interface AuthUser {
  id: number;
  username: string;
  role: Role;
}

export function toAuthUser(u: Pick<User, 'id' | 'username' | 'role'>): AuthUser {
  return { id: u.id, username: u.username, role: u.role };
}

/** what the console may offer this user; the API checks again on every call */
export function permissionsOf(u: AuthUser): { write: boolean; admin: boolean } {
  return { write: u.role !== 'viewer', admin: u.role === 'admin' };
}
