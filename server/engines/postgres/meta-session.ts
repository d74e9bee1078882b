// One dedicated session on the metadata PostgreSQL for a replicator process: task ownership by
// session advisory locks (they vanish with the session, so a dead worker's tasks are free at
// once) and LISTEN for changes the console writes.
import pg from 'pg';
import { TASK_LOCK_CLASS } from '../../task-ownership';

export interface MetaSession {
  tryLock(taskId: string): Promise<boolean>;
  unlock(taskId: string): Promise<void>;
  onNotify(fn: (payload: string) => void): void;
  /** called once if the session is lost: every lock it held is gone */
  onLost(fn: (e: Error) => void): void;
  close(): Promise<void>;
}

const LOCK_CLASS = TASK_LOCK_CLASS;

export async function openMetaSession(url: string, channel: string): Promise<MetaSession> {
  // keepalive probes after 10 s idle: a dead metadata server or network is noticed in about a
  // minute, and the runners stop before another replicator can take their tasks
  const c = new pg.Client({ connectionString: url, application_name: 'dts-replicator', keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  let lost: ((e: Error) => void) | null = null;
  let closed = false;
  const fireLost = (e: Error) => {
    if (closed) return;
    closed = true;
    lost?.(e);
  };
  c.on('error', fireLost);
  c.on('end', () => fireLost(new Error('metadata session ended')));
  await c.connect();
  await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  return {
    async tryLock(taskId) {
      const r = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_CLASS, taskId]);
      return r.rows[0].ok;
    },
    async unlock(taskId) {
      await c.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, taskId]);
    },
    onNotify(fn) {
      c.on('notification', (n) => fn(n.payload ?? ''));
    },
    onLost(fn) {
      lost = fn;
    },
    async close() {
      closed = true;
      await c.end().catch(() => undefined);
    },
  };
}
