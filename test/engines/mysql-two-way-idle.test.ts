// Issue 14, item 9, on MariaDB: an idle two-way pair rests. Each direction used to answer what
// the other applied (a marker-plus-checkpoint transaction it had itself dropped) with one of its
// own, for ever: hundreds of commits a second on both servers with no user writes. Here a pair
// applies rows both ways, stays idle for 30 s while both servers' binlogs are counted, and then
// applies rows both ways again.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setDesired, stopMeta, taskRow, waitStatus } from '../helpers/harness';
import { assertIdleWindow, IDLE_COMMITS_PER_S, myCount, myMark } from '../helpers/idle-commits';
import { myChecksum, type MariaDbServer } from '../helpers/mysql';
import { createMyTask, masterPosition, mySuiteHooks, NO_MARIADB, waitMyApplied, type MySuite } from '../helpers/mysql-harness';

const DB = 'idle';
const COLS = ['id', 'v', 'side'];

/** a few small transactions on one side, on keys of its own */
async function write(server: MariaDbServer, side: string, base: number, round: number): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const id = base + round * 100 + i * 3;
    await server.query(
      `START TRANSACTION; INSERT INTO ${DB}.t VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?); UPDATE ${DB}.t SET v = CONCAT(v, '+') WHERE id = ?; COMMIT`,
      [id, `r${round}`, side, id + 1, `r${round}`, side, id + 2, `r${round}`, side, id],
    );
  }
}

/** rows written on both sides, applied both ways: equal ordered checksums; returns the row count */
async function applyBoth(s: MySuite, fwd: string, rev: string, round: number): Promise<number> {
  await write(s.source, 'A', 1_000, round);
  await write(s.target, 'B', 2_000, round);
  await waitMyApplied(s.source, s.target, fwd);
  await waitMyApplied(s.target, s.source, rev);
  const [a, b] = await Promise.all([myChecksum(s.source, DB, 't', COLS, ['id']), myChecksum(s.target, DB, 't', COLS, ['id'])]);
  assert.deepEqual(b, a, `round ${round}: both sides hold the same rows`);
  return a.rows;
}

describe('MySQL (MariaDB 10.11): an idle two-way pair', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  mySuiteHooks((x) => (s = x));

  it(`commits at most ${IDLE_COMMITS_PER_S} transaction/s per server beyond the heartbeat while idle, and still applies both ways`, async () => {
    const { configureReverseDirection } = await import('../../server/services/configure-reverse-direction');
    const { comparePos } = await import('../../server/engines/mysql/types');
    await s.source.query(`CREATE DATABASE ${DB}; CREATE TABLE ${DB}.t (id BIGINT PRIMARY KEY, v VARCHAR(40) NOT NULL, side VARCHAR(4)); INSERT INTO ${DB}.t SELECT seq, 'seed', 'S' FROM seq_1_to_100`);
    const fwd = await createMyTask(s.source, s.target, DB, { topology: 'TwoWay', objects: { schemas: [{ name: DB }] }, settings: { conflictPolicy: 'TaskFailed' } });
    await setDesired(fwd, 'Running');
    await waitStatus(fwd, 'Running', 120_000);
    const rev = (await configureReverseDirection(fwd)).id;
    await setDesired(rev, 'Running');
    await waitStatus(rev, 'Running', 120_000);
    assert.equal(await applyBoth(s, fwd, rev, 0), 100 + 2 * 15);

    // The window. Counted on each server: the binlog transactions (GTID groups) it wrote, which
    // is what the opposite direction's reader receives. Subtracted: the heartbeat's own, the
    // groups whose only table is dts.dts_heartbeat (one a second, from the task that reads this
    // server). What is left is everything DTS applied there (checkpoints, markers): the other
    // direction's work, which must not grow into a loop.
    const sourceAt = await masterPosition(s.source);
    await assertIdleWindow([
      { name: 'source', mark: () => myMark(s.source), count: (a, b) => myCount(s.source, a, b) },
      { name: 'target', mark: () => myMark(s.target), count: (a, b) => myCount(s.target, a, b) },
    ]);
    // while idle, the position the task reports as applied still moves with the source's
    // (switchover waits for it)
    const t = await taskRow(fwd);
    assert.ok(t?.checkpoint && comparePos(t.checkpoint, sourceAt) >= 0, `forward task at ${t?.checkpoint}, source was at ${sourceAt} when the window began`);

    // the pair did not stall: rows apply both ways again
    assert.equal(await applyBoth(s, fwd, rev, 1), 100 + 4 * 15, 'every row written is on both sides');
    await setDesired(fwd, 'Released');
    await setDesired(rev, 'Released');
  });
});

after(async () => {
  await stopMeta();
});
