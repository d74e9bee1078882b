// Process-wide settings read from the environment, in one place.
import path from 'node:path';

export const config = {
  dataDir: path.resolve(process.env.DTS_DATA_DIR ?? '.data'),
  port: Number(process.env.PORT ?? 3000),
  /** metadata database; when unset, an embedded PostgreSQL is started under dataDir */
  databaseUrl: process.env.DATABASE_URL,
  embeddedPort: Number(process.env.DTS_EMBEDDED_PG_PORT ?? 54329),
  /** metric samples older than this are deleted */
  metricsRetentionHours: Number(process.env.DTS_METRICS_RETENTION_HOURS ?? 72),
  logLevel: process.env.DTS_LOG_LEVEL ?? 'info',
};

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (it is "${raw}")`);
  return n;
}

/** Sign-in and session limits, read when used (tests and operators change them by environment). */
export const security = {
  /** a browser session ends after this long without a request */
  sessionIdleMinutes: () => positive('DTS_SESSION_IDLE_MINUTES', 60),
  /** and after this long in any case */
  sessionMaxHours: () => positive('DTS_SESSION_MAX_HOURS', 12),
  /** failed sign-ins of one account before it is locked */
  loginLockAfter: () => positive('DTS_LOGIN_LOCK_AFTER', 10),
  /** how long a locked account (or client address) waits */
  loginLockMinutes: () => positive('DTS_LOGIN_LOCK_MINUTES', 15),
};
