// Precheck for MySQL -> MySQL tasks (MySQL 5.7+, MariaDB 10.2+), run by the shared precheck
// runner: one connection to each side, closed at the end. When a side cannot be reached, its
// connectivity item fails (naming the cause: password, unsupported authentication plugin, host)
// and every item that needs that side fails with the cause "Skipped: ..." so the operator sees
// why it did not run.
import type { ConnectionConfig, PrecheckInput, Prechecker } from '../types';
import { plannedItems, runPrecheck, type PrecheckDriver } from '../shared/precheck-runner';
import { versionCheck, type Side } from '../shared/precheck-util';
import { connect, describeConnectError, isConnectionError, rows, type MyConnection } from './connect';
import { serverVersion, type ServerVersion } from './introspect';
import { sourceHelperCheck, targetHelperCheck } from './precheck-helpers';
import { sourceChecks } from './precheck-source';
import { targetChecks } from './precheck-target';
import type { Check, CheckContext } from './precheck-util';

async function open(side: Side, cfg: ConnectionConfig): Promise<{ conn: MyConnection; version: ServerVersion }> {
  let conn: MyConnection | null = null;
  try {
    conn = await connect(cfg);
    const version = await serverVersion(conn);
    // the source's database name must exist when given (the destination's is created by DTS)
    if (side === 'source' && cfg.database) {
      const found = await rows(conn, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [cfg.database]);
      if (!found.length) throw Object.assign(new Error(`Unknown database '${cfg.database}'`), { code: 'ER_BAD_DB_ERROR' });
    }
    return { conn, version };
  } catch (e) {
    await conn?.end().catch(() => conn?.destroy());
    throw e;
  }
}

function describeFailure(e: unknown, cfg: ConnectionConfig): { cause: string; fix: string; reason: string } {
  const d = describeConnectError(e, cfg);
  const plugin = d.kind === 'auth' && /authentication plugin/.test(d.error ?? '');
  const fix = plugin
    ? `Use an account that logs in with mysql_native_password or caching_sha2_password, e.g. ALTER USER '${cfg.user}'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('...'); (MariaDB) or ALTER USER '${cfg.user}'@'%' IDENTIFIED WITH caching_sha2_password BY '...'; (MySQL).`
    : d.kind === 'auth'
      ? 'Check the Database Account and Database Password, and that the account may log in from the DTS host (its host part, e.g. \'user\'@\'%\').'
      : d.kind === 'database'
        ? 'Check the Database Name, or leave it empty.'
        : 'Check the host and port, that the server is running, and that its firewall and bind-address allow connections from DTS.';
  const reason = plugin ? 'its authentication plugin is not supported' : d.kind === 'auth' ? 'the login was refused' : d.kind === 'database' ? 'the database does not exist' : 'it cannot be reached';
  return { cause: d.error ?? 'The connection failed.', fix, reason };
}

/** MySQL 5.7+ or MariaDB 10.2+: row-based binlog with full images, information_schema as read */
export function versionSupported(v: ServerVersion): boolean {
  const n = v.major * 100 + v.minor;
  return v.mariadb ? n >= 1002 : n >= 507;
}

function mysqlVersionCheck(side: Side): Check {
  return versionCheck<CheckContext>(side, (ctx, label) => {
    const v = side === 'source' ? ctx.sourceVersion : ctx.targetVersion;
    if (versionSupported(v)) return null;
    return {
      result: 'fail',
      cause: `The ${label} runs ${v.mariadb ? 'MariaDB' : 'MySQL'} ${v.major}.${v.minor}.${v.patch}; DTS needs MySQL 5.7 or later, or MariaDB 10.2 or later.`,
      fix: `Upgrade the ${label} database.`,
    };
  });
}

const UNKNOWN: ServerVersion = { text: '', mariadb: false, major: 0, minor: 0, patch: 0 };

const driver: PrecheckDriver<MyConnection, ServerVersion> = {
  open,
  describeFailure,
  unknownVersion: UNKNOWN,
  isConnectionError,
  close: (conn) => conn.end().catch(() => conn.destroy()),
  checks: [mysqlVersionCheck('source'), mysqlVersionCheck('target'), ...sourceChecks, sourceHelperCheck, ...targetChecks, targetHelperCheck],
};

export const prechecker: Prechecker = { precheck: (input: PrecheckInput) => runPrecheck(input, driver), planned: (input: PrecheckInput) => plannedItems(input, driver) };
