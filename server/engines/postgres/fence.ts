// The write fence of a planned switchover on a PostgreSQL source. New sessions of the database
// start read-only (ALTER DATABASE … SET default_transaction_read_only = on), and the sessions
// that started before, which keep their old default, are ended. DTS's own sessions are not ended
// and set the default back off when they connect (connect.ts), so the heartbeat and a reverse
// task writing here go on. The fence stops ordinary application writes; an application that
// sets the default off itself is not stopped by it, which is why the switchover also checks that
// no change arrives after the fence (services/failover.ts).
import type pg from 'pg';
import type { ConnectionConfig, FenceCheck, FenceResult, WriteFence } from '../types';
import { q, withClient } from './connect';
import { lsnToBig } from './types';

const code = (e: unknown) => (e as { code?: string }).code;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * the sessions of this database that may still write: client backends that are not DTS's. An
 * account without pg_read_all_stats sees other roles' sessions with backend_type NULL, so a
 * session of another role counts whatever its kind (then the fence ends it or names it).
 */
const APPLICATION_SESSIONS = `
  SELECT pid, usename AS "user", coalesce(application_name, '') AS app
    FROM pg_stat_activity
   WHERE datname = current_database() AND pid <> pg_backend_pid()
     AND (backend_type = 'client backend' OR (backend_type IS NULL AND usename IS NOT NULL))
     AND coalesce(application_name, '') NOT LIKE 'dts-%'`;

async function isReadOnly(c: pg.Client): Promise<boolean> {
  // (DTS's connections read booleans as text: 't' or 'f')
  const r = await c.query<{ on: string }>(
    `SELECT EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
                     WHERE d.datname = current_database() AND s.setrole = 0
                       AND 'default_transaction_read_only=on' = ANY (s.setconfig))::text AS on`,
  );
  return r.rows[0]?.on === 'true';
}

/** ends the sessions that may still write; returns how many were ended and the ones that could not be */
async function endSessions(c: pg.Client): Promise<{ ended: number; left: { pid: number; user: string; app: string; why: string }[] }> {
  const sessions = await c.query<{ pid: number; user: string; app: string }>(APPLICATION_SESSIONS);
  let ended = 0;
  const left: { pid: number; user: string; app: string; why: string }[] = [];
  for (const s of sessions.rows) {
    try {
      // waits up to 5 s for the session to be gone; an open transaction rolls back
      const r = await c.query<{ ok: string }>('SELECT pg_terminate_backend($1, 5000)::text AS ok', [s.pid]);
      if (r.rows[0]?.ok === 'true') ended++;
      else left.push({ ...s, why: 'still there after 5 s' });
    } catch (e) {
      // 42501: the account may not signal that session (another role, or a superuser's)
      if (code(e) === '42501') left.push({ ...s, why: message(e) });
      else throw e;
    }
  }
  return { ended, left };
}

const alterSql = (cfg: ConnectionConfig) => `ALTER DATABASE ${q(cfg.database)} SET default_transaction_read_only = on`;
const TERMINATE_SQL = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND application_name NOT LIKE 'dts-%'`;

/** may this account make the database read-only (its owner, a member of the owner role, a superuser) and end other roles' sessions? */
async function check(cfg: ConnectionConfig): Promise<FenceCheck> {
  return withClient(cfg, async (c) => {
    const r = await c.query<{ me: string; owner: string; alter: string; signal: string }>(
      `SELECT current_user::text AS me, pg_get_userbyid(d.datdba)::text AS owner,
              (r.rolsuper OR pg_has_role(current_user, d.datdba, 'MEMBER'))::text AS alter,
              (r.rolsuper OR pg_has_role(current_user, 'pg_signal_backend', 'MEMBER'))::text AS signal
         FROM pg_database d, pg_roles r WHERE d.datname = current_database() AND r.rolname = current_user`,
    );
    const row = r.rows[0];
    const notes: string[] = [];
    if (row.signal !== 'true') {
      // sessions of other roles are the ones this account may not end
      const n = (await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM (${APPLICATION_SESSIONS}) s WHERE s."user" <> current_user`)).rows[0].n;
      if (Number(n) > 0) {
        notes.push(
          `${n} application session${n === '1' ? '' : 's'} of other roles ${n === '1' ? 'is' : 'are'} open on ${q(cfg.database)}, and the account ${row.me} may not end them (it is not a member of pg_signal_backend): if they are still open at the fence, the switchover stops and names them`,
        );
      }
    }
    const mayLift = row.alter === 'true';
    if (mayLift || (await isReadOnly(c))) return { mayLift, problem: null, manual: [], notes };
    return {
      mayLift,
      problem: `the source account ${row.me} may not make ${q(cfg.database)} read-only: only its owner (${row.owner}), a member of that role or a superuser may`,
      manual: [alterSql(cfg), TERMINATE_SQL],
      notes,
    };
  });
}

async function raise(cfg: ConnectionConfig): Promise<FenceResult> {
  return withClient(cfg, async (c) => {
    const db = q(cfg.database);
    const alter = alterSql(cfg);
    const done: string[] = [];
    let by: FenceResult['by'] = 'operator';
    if (!(await isReadOnly(c))) {
      try {
        await c.query(alter);
      } catch (e) {
        if (code(e) !== '42501') throw e;
        return {
          raised: false,
          by: null,
          done,
          problem: `the source account may not make ${db} read-only (${message(e)}): only its owner or a superuser may`,
          manual: [alter, TERMINATE_SQL],
        };
      }
      by = 'dts';
      done.push(`${alter} (new sessions are read-only)`);
    } else {
      done.push(`${db} already has default_transaction_read_only = on`);
    }
    const { ended, left } = await endSessions(c);
    done.push(`${ended} application session${ended === 1 ? '' : 's'} ended`);
    if (left.length) {
      if (by === 'dts') await c.query(`ALTER DATABASE ${db} RESET default_transaction_read_only`).catch(() => undefined);
      const list = left.map((s) => `pid ${s.pid} (user ${s.user}${s.app ? `, application ${s.app}` : ''}: ${s.why})`).join('; ');
      return {
        raised: false,
        by: null,
        done,
        problem: `${left.length} session${left.length === 1 ? '' : 's'} that started before the fence could still write, and the source account may not end them: ${list}`,
        manual: [alter, ...left.map((s) => `SELECT pg_terminate_backend(${s.pid})`)],
      };
    }
    return { raised: true, by, done, manual: [] };
  });
}

async function lift(cfg: ConnectionConfig): Promise<string> {
  const reset = `ALTER DATABASE ${q(cfg.database)} RESET default_transaction_read_only`;
  return withClient(cfg, async (c) => {
    if (!(await isReadOnly(c))) return `${q(cfg.database)} is not read-only`;
    try {
      await c.query(reset);
      return `${reset} (new sessions may write)`;
    } catch (e) {
      if (code(e) !== '42501') throw e;
      return `the source account may not lift the fence (${message(e)}): run ${reset}`;
    }
  });
}

export const writeFence: WriteFence = {
  check,
  isRaised: (cfg) => withClient(cfg, isReadOnly),
  raise,
  lift,
  position: (cfg) => withClient(cfg, async (c) => (await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn),
  reached: (applied, wanted) => lsnToBig(applied) >= lsnToBig(wanted),
};
