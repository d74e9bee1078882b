// Precheck for MySQL -> MySQL tasks (MySQL 5.7+, MariaDB 10.2+). Items are yielded as they
// complete. One connection to each side, closed at the end. When a side cannot be reached, its
// connectivity item fails (naming the cause: password, unsupported authentication plugin, host)
// and every item that needs that side fails with the cause "Skipped: ..." so the operator sees
// why it did not run.
import type { ConnectionConfig, PrecheckInput, PrecheckItem, Prechecker } from '../types';
import { connect, describeConnectError, isConnectionError, rows, type MyConnection } from './connect';
import { serverVersion, type ServerVersion } from './introspect';
import { sourceChecks } from './precheck-source';
import { targetChecks } from './precheck-target';
import type { Check, CheckContext } from './precheck-util';

type Side = 'source' | 'target';
const SIDE: Record<Side, { label: string; title: string }> = {
  source: { label: 'source', title: 'Source' },
  target: { label: 'destination', title: 'Destination' },
};

interface Opened {
  conn: MyConnection | null;
  version: ServerVersion | null;
  down: string | null;
}

async function open(side: Side, cfg: ConnectionConfig): Promise<{ item: PrecheckItem; opened: Opened }> {
  const key = `${side}.connectivity`;
  const name = `${SIDE[side].title} Database Connectivity`;
  let conn: MyConnection | null = null;
  try {
    conn = await connect(cfg);
    const version = await serverVersion(conn);
    // the source's database name must exist when given (the destination's is created by DTS)
    if (side === 'source' && cfg.database) {
      const found = await rows(conn, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [cfg.database]);
      if (!found.length) throw Object.assign(new Error(`Unknown database '${cfg.database}'`), { code: 'ER_BAD_DB_ERROR' });
    }
    return { item: { key, name, result: 'pass' }, opened: { conn, version, down: null } };
  } catch (e) {
    await conn?.end().catch(() => conn?.destroy());
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
    return {
      item: { key, name, result: 'fail', cause: d.error ?? 'The connection failed.', fix },
      opened: { conn: null, version: null, down: `Skipped: the ${SIDE[side].label} database could not be connected (${reason}); see ${name}.` },
    };
  }
}

/** MySQL 5.7+ or MariaDB 10.2+: row-based binlog with full images, information_schema as read */
export function versionSupported(v: ServerVersion): boolean {
  const n = v.major * 100 + v.minor;
  return v.mariadb ? n >= 1002 : n >= 507;
}

function versionCheck(side: Side): Check {
  return {
    key: `${side}.version`,
    name: `Check the version of the ${SIDE[side].label} database`,
    sides: [side],
    when: () => true,
    async run(ctx) {
      const v = side === 'source' ? ctx.sourceVersion : ctx.targetVersion;
      if (versionSupported(v)) return { result: 'pass' };
      return {
        result: 'fail',
        cause: `The ${SIDE[side].label} runs ${v.mariadb ? 'MariaDB' : 'MySQL'} ${v.major}.${v.minor}.${v.patch}; DTS needs MySQL 5.7 or later, or MariaDB 10.2 or later.`,
        fix: `Upgrade the ${SIDE[side].label} database.`,
      };
    },
  };
}

const CHECKS: Check[] = [versionCheck('source'), versionCheck('target'), ...sourceChecks, ...targetChecks];

async function* precheck(input: PrecheckInput): AsyncGenerator<PrecheckItem> {
  const opened: Partial<Record<Side, Opened>> = {};
  try {
    const [src, tgt] = await Promise.all([open('source', input.source), open('target', input.target)]);
    opened.source = src.opened;
    opened.target = tgt.opened;
    yield src.item;
    yield tgt.item;
    const unknown: ServerVersion = { text: '', mariadb: false, major: 0, minor: 0, patch: 0 };
    const ctx: CheckContext = {
      input,
      source: src.opened.conn as MyConnection,
      target: tgt.opened.conn as MyConnection,
      sourceVersion: src.opened.version ?? unknown,
      targetVersion: tgt.opened.version ?? unknown,
      sourceUser: input.source.user,
      targetUser: input.target.user,
    };
    for (const check of CHECKS) {
      if (!check.when(input)) continue;
      const down = check.sides.map((s) => opened[s]?.down).find(Boolean);
      if (down) {
        yield { key: check.key, name: check.name, result: 'fail', cause: down, fix: 'Fix the connection problem, then run the precheck again.' };
        continue;
      }
      try {
        yield { key: check.key, name: check.name, ...(await check.run(ctx)) };
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (isConnectionError(e)) {
          // the connection dropped: later items on that side cannot run either
          for (const s of check.sides) {
            const o = opened[s];
            if (o) o.down = `Skipped: the connection to the ${SIDE[s].label} database was lost (${msg}).`;
          }
        }
        yield { key: check.key, name: check.name, result: 'fail', cause: `The check could not run: ${msg}`, fix: 'Fix the cause and run the precheck again.' };
      }
    }
  } finally {
    await Promise.all(Object.values(opened).map((o) => o?.conn?.end().catch(() => o.conn?.destroy())));
  }
}

export const prechecker: Prechecker = { precheck };
