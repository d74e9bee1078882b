// The authenticated principal as the API sees it. Never carries a password hash.
import type { User } from '../generated/prisma/client';

export interface AuthUser {
  id: number;
  username: string;
  role: 'admin' | 'operator';
}

export function toAuthUser(u: Pick<User, 'id' | 'username' | 'role'>): AuthUser {
  return { id: u.id, username: u.username, role: u.role };
}
