// Issue 14, item 9, on PostgreSQL 15 and 18: an idle two-way pair rests. With no user writes, a
// direction must not commit on its destination for every transaction it read and dropped (the
// heartbeat of its source, the other direction's own writes). Here a pair applies rows both ways,
// stays idle for 30 s while both servers' transaction counters are read, and then applies rows
// both ways again.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setDesired, stopMeta, suiteHooks, taskRow, waitApplied, waitStatus, createTask, type Pair } from '../helpers/harness';
import { assertIdleWindow, IDLE_COMMITS_PER_S, pgCount, pgMark } from '../helpers/idle-commits';
import { checksum, testVersions, type PgServer } from '../helpers/pg';

const TABLE = { schema: 'public', name: 't' };
const COLS = ['id', 'v', 'side'];

/** a few small transactions on one side, on keys of its own */
async function write(server: PgServer, db: string, side: string, base: number, round: number): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const id = base + round * 100 + i * 3;
    await server.query(db, `WITH n AS (INSERT INTO t SELECT g, $2, $3 FROM generate_series($1::bigint, $1::bigint + 2) g RETURNING id) UPDATE t SET v = v || '+' WHERE id = $1`, [id, `r${round}`, side]);
  }
}

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: an idle two-way pair`, () => {
    let pair: Pair;
    suiteHooks(version, (p) => (pair = p));

    /** rows written on both sides, applied both ways: equal ordered checksums; returns the row count */
    async function applyBoth(fwd: string, rev: string, round: number): Promise<number> {
      await write(pair.source, 'src', 'A', 1_000, round);
      await write(pair.target, 'dst', 'B', 2_000, round);
      await waitApplied(pair.source, 'src', pair.target, fwd);
      await waitApplied(pair.target, 'dst', pair.source, rev);
      const [a, b] = [await checksum(pair.source, 'src', TABLE, COLS, ['id']), await checksum(pair.target, 'dst', TABLE, COLS, ['id'])];
      assert.deepEqual(b, a, `round ${round}: both sides hold the same rows`);
      return a.rows;
    }

    it(`commits at most ${IDLE_COMMITS_PER_S} transaction/s per server beyond the heartbeat while idle, and still applies both ways`, async () => {
      const { configureReverseDirection } = await import('../../server/services/configure-reverse-direction');
      // autovacuum's ANALYZE of the new rows would take transaction ids in the window
      for (const server of [pair.source, pair.target]) {
        await server.query('postgres', 'ALTER SYSTEM SET autovacuum = off');
        await server.query('postgres', 'SELECT pg_reload_conf()');
      }
      await pair.source.query('src', `CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL, side text); INSERT INTO t SELECT g, 'seed', 'S' FROM generate_series(1, 100) g`);
      const fwd = await createTask(pair, 'src', 'dst', { topology: 'TwoWay', objects: { schemas: [{ name: 'public' }] }, settings: { conflictPolicy: 'TaskFailed' } });
      await setDesired(fwd, 'Running');
      await waitStatus(fwd, 'Running');
      const rev = (await configureReverseDirection(fwd)).id;
      await setDesired(rev, 'Running');
      await waitStatus(rev, 'Running');
      assert.equal(await applyBoth(fwd, rev, 0), 100 + 2 * 15);

      // The window. Counted on each server: the transaction ids it handed out (every transaction
      // that writes takes one; reading the counter takes none), with autovacuum off. Subtracted:
      // the heartbeat's own, one per beat of the task that reads this server, counted exactly by
      // the seq column of its heartbeat row. What is left is what DTS applied there (checkpoint
      // and origin progress): the other direction's work.
      const [{ lsn: sourceAt }] = await pair.source.query<{ lsn: string }>('postgres', 'SELECT pg_current_wal_lsn()::text AS lsn');
      await assertIdleWindow([
        { name: 'source', mark: () => pgMark(pair.source, 'src', fwd), count: (a, b) => pgCount(pair.source, a, b) },
        { name: 'target', mark: () => pgMark(pair.target, 'dst', rev), count: (a, b) => pgCount(pair.target, a, b) },
      ]);
      // while idle, the position the task reports as applied still moves with the source's
      // (switchover waits for it)
      const t = await taskRow(fwd);
      const [moved] = await pair.source.query<{ ok: boolean }>('postgres', 'SELECT $1::pg_lsn >= $2::pg_lsn AS ok', [t?.checkpoint ?? '0/0', sourceAt]);
      assert.ok(moved.ok, `forward task at ${t?.checkpoint}, source was at ${sourceAt} when the window began`);

      // the pair did not stall: rows apply both ways again
      assert.equal(await applyBoth(fwd, rev, 1), 100 + 4 * 15, 'every row written is on both sides');
      await setDesired(fwd, 'Released');
      await setDesired(rev, 'Released');
    });
  });
}

after(async () => stopMeta());
