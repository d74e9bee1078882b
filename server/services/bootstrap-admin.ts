// First start: create the `admin` account. The password comes from DTS_ADMIN_PASSWORD, or is
// generated and printed once; it is never stored in clear nor printed again.
import { db } from '../db';
import { hashPassword, randomToken } from '../crypto';
import { MIN_PASSWORD_LENGTH } from './users';

export interface EnsureAdminResult {
  created: boolean;
  /** true when the password was generated (and printed) */
  generated: boolean;
}

export async function ensureAdmin(print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<EnsureAdminResult> {
  const existing = await db().user.findUnique({ where: { username: 'admin' } });
  if (existing) return { created: false, generated: false };
  const fromEnv = process.env.DTS_ADMIN_PASSWORD;
  if (fromEnv !== undefined && fromEnv.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`DTS_ADMIN_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const password = fromEnv ?? randomToken(12);
  const passwordHash = await hashPassword(password);
  // two processes starting together: only one insert wins; the other sees created = false
  const r = await db().user.createMany({ data: [{ username: 'admin', role: 'admin', passwordHash }], skipDuplicates: true });
  if (r.count === 0) return { created: false, generated: false };
  if (fromEnv === undefined) {
    print('Created the console user "admin" with this generated password (shown once; change it with `dts user set-password`):');
    print(`  ${password}`);
  } else {
    print('Created the console user "admin" with the password from DTS_ADMIN_PASSWORD.');
  }
  return { created: true, generated: fromEnv === undefined };
}
