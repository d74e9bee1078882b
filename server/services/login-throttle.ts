// Sign-in throttling, per account and per client address. Each attempt is counted before the
// password is checked (so parallel guesses cannot slip between the check and the count) and
// forgiven when the password was right. After a few failures each next try waits longer (1 s,
// 2 s, 4 s ... 60 s); after DTS_LOGIN_LOCK_AFTER failures the account is locked for
// DTS_LOGIN_LOCK_MINUTES, even for the right password. A client address gets three times the
// allowance, as several people may share one. Failures are forgotten after the lock time.
import { security } from '../config';
import { db } from '../db';
import { AppError } from '../errors';

interface Rule {
  key: string;
  slowAfter: number;
  lockAfter: number;
  /** how the refusal names it */
  what: string;
}

interface Row {
  failures: number;
  last: Date;
  lockedUntil: Date | null;
  now: Date;
}

export interface SignInAttempt {
  /** the password was right: the account starts over, and this attempt no longer counts for the address */
  succeeded(): Promise<void>;
  /** the password was wrong; says when this failure locked the account or the address */
  failed(): Promise<{ lockedUntil: Date | null; what: string | null }>;
}

const MAX_WAIT_S = 60;

function rules(username: string, address: string | null): Rule[] {
  const lockAfter = Math.round(security.loginLockAfter());
  const out: Rule[] = [{ key: `user:${username}`, slowAfter: Math.min(3, lockAfter), lockAfter, what: 'this account' }];
  if (address) out.push({ key: `addr:${address}`, slowAfter: 3 * Math.min(3, lockAfter), lockAfter: 3 * lockAfter, what: `this address (${address})` });
  return out;
}

const clock = (d: Date) => `${d.toISOString().slice(11, 19)} UTC`;

/** null when an attempt may go ahead, else the refusal */
function verdict(rule: Rule, r: Row, lockMs: number): AppError | null {
  const waitUntil = (until: Date, why: string) =>
    new AppError('TOO_MANY_REQUESTS', `Too many failed sign-ins for ${rule.what}: ${why} until ${clock(until)} (in ${Math.max(1, Math.ceil((until.getTime() - r.now.getTime()) / 1000))} s). Try again then${rule.key.startsWith('user:') ? ', or ask an administrator to set a new password' : ''}.`);
  if (r.lockedUntil && r.lockedUntil > r.now) return waitUntil(r.lockedUntil, 'sign-in is locked');
  // attempts still being checked have counted already: at the limit, wait as a lock would
  if (r.failures >= rule.lockAfter) return waitUntil(new Date(r.last.getTime() + lockMs), 'sign-in is locked');
  if (r.failures >= rule.slowAfter) {
    const waitS = Math.min(2 ** (r.failures - rule.slowAfter), MAX_WAIT_S);
    const until = new Date(r.last.getTime() + waitS * 1000);
    if (until > r.now) return waitUntil(until, `wait ${waitS} s before the next try,`);
  }
  return null;
}

/**
 * Counts a sign-in attempt for the account and the client address, or throws TOO_MANY_REQUESTS
 * (counting nothing) when either must wait.
 */
export async function beginSignIn(username: string, address: string | null): Promise<SignInAttempt> {
  const list = rules(username, address);
  const lockMs = security.loginLockMinutes() * 60_000;
  if (Math.random() < 0.02) await prune(lockMs).catch(() => undefined);
  await db().$transaction(async (tx) => {
    const refusals: AppError[] = [];
    const rows: Row[] = [];
    await tx.loginThrottle.createMany({ data: list.map((rule) => ({ key: rule.key, failures: 0, lastFailureAt: new Date() })), skipDuplicates: true });
    for (const rule of list) {
      // one attempt at a time per account and per address
      await tx.$queryRaw`SELECT 1 FROM "LoginThrottle" WHERE "key" = ${rule.key} FOR UPDATE`;
      const row = await tx.loginThrottle.findUniqueOrThrow({ where: { key: rule.key } });
      const now = new Date();
      const r: Row = { failures: row.failures, last: row.lastFailureAt, lockedUntil: row.lockedUntil, now };
      // forgotten: a lock that has passed, or no failure for as long as a lock lasts
      if ((r.lockedUntil && r.lockedUntil <= now) || now.getTime() - r.last.getTime() > lockMs) Object.assign(r, { failures: 0, lockedUntil: null });
      rows.push(r);
      const refused = verdict(rule, r, lockMs);
      if (refused) refusals.push(refused);
    }
    if (refusals.length) throw refusals[0];
    for (const [i, rule] of list.entries()) {
      await tx.loginThrottle.update({ where: { key: rule.key }, data: { failures: rows[i].failures + 1, lastFailureAt: rows[i].now, lockedUntil: null } });
    }
  });
  return {
    async succeeded() {
      await db().loginThrottle.deleteMany({ where: { key: list[0].key } });
      if (list[1]) await db().loginThrottle.updateMany({ where: { key: list[1].key, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
    },
    async failed() {
      let locked: { lockedUntil: Date | null; what: string | null } = { lockedUntil: null, what: null };
      for (const rule of list) {
        const until = new Date(Date.now() + lockMs);
        const { count } = await db().loginThrottle.updateMany({ where: { key: rule.key, failures: { gte: rule.lockAfter }, lockedUntil: null }, data: { lockedUntil: until } });
        if (count > 0 && !locked.lockedUntil) locked = { lockedUntil: until, what: rule.what };
      }
      return locked;
    },
  };
}

/** an administrator set a new password or enabled the user: the account may sign in at once */
export async function clearSignInLock(username: string): Promise<void> {
  await db().loginThrottle.deleteMany({ where: { key: `user:${username}` } });
}

async function prune(lockMs: number): Promise<void> {
  const now = Date.now();
  await db().loginThrottle.deleteMany({
    where: { lastFailureAt: { lt: new Date(now - lockMs) }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: new Date(now) } }] },
  });
}
