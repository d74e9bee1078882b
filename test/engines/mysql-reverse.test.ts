// Seed 000 for MySQL, end to end on MariaDB: Create Reverse Task (collects on the old destination
// from its creation), production's server stops, failover (the reverse task starts and retries
// until production is back), the DR side takes writes, production receives them, switch back; then a
// planned switchover and failover with AUTO_INCREMENT counters moved on the side taking over, so
// new keys there never collide. Neither direction echoes the other.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setDesired, stopMeta, taskRow, waitStatus, rowsApplied } from '../helpers/harness';
import { myChecksum } from '../helpers/mysql';
import { createMyTask, mySuiteHooks, NO_MARIADB, waitMyApplied, type MySuite } from '../helpers/mysql-harness';
import { waitFor } from '../helpers/pg';

const COLS = ['id', 'v', 'note'];

describe('MySQL (MariaDB 10.11): Create Reverse Task, failover, switch back and switchover', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  mySuiteHooks((x) => (s = x));

  async function same(db: string, table: string): Promise<number> {
    const [a, b] = await Promise.all([myChecksum(s.source, db, table, COLS, ['id']), myChecksum(s.target, db, table, COLS, ['id'])]);
    assert.deepEqual(b, a, `both sides hold the same rows of ${db}.${table}`);
    return a.rows;
  }

  it('runs the disaster-recovery scenario of seed 000 without echo', async () => {
    const svc = {
      reverse: (await import('../../server/services/create-reverse-task')).createReverseTask,
      start: (await import('../../server/services/start-task')).startTask,
      pause: (await import('../../server/services/pause-task')).pauseTask,
      ignore: (await import('../../server/services/run-precheck')).ignorePrecheckWarnings,
    };
    await s.source.query(`CREATE DATABASE dr1; CREATE TABLE dr1.orders (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL, note VARCHAR(20));
      INSERT INTO dr1.orders (v, note) SELECT seq, CONCAT('n', seq) FROM seq_1_to_1000`);
    const fwd = await createMyTask(s.source, s.target, 'dr1', { objects: { schemas: [{ name: 'dr1' }] } });
    await setDesired(fwd, 'Running');
    await waitStatus(fwd, 'Running', 120_000);

    // Create Reverse Task: prechecked at once, then collecting
    const rev = (await svc.reverse(fwd)).id;
    await waitStatus(rev, 'Performing Initial Synchronization', 60_000);
    await svc.ignore(rev).catch(() => undefined);
    assert.ok((await taskRow(rev))?.checkpoint, 'the reverse task keeps the binlog position it collects from');
    await assert.rejects(svc.start(rev), /forward task .* is running\. Pause it before you start the reverse task/);

    // the forward keeps applying; none of it may come back through the reverse
    await s.source.query(`INSERT INTO dr1.orders (v, note) SELECT seq, 'fwd' FROM seq_1_to_100`);
    await waitMyApplied(s.source, s.target, fwd);

    // production fails
    await s.source.halt();
    await waitStatus(fwd, 'Retrying', 60_000);
    await svc.pause(fwd);
    await waitStatus(fwd, 'Paused');
    await svc.start(rev);
    await waitStatus(rev, 'Retrying', 60_000);
    // the business writes to the DR side meanwhile
    await s.target.query(`INSERT INTO dr1.orders (id, v, note) SELECT seq, seq, 'dr' FROM seq_5001_to_5050`);
    await s.target.query(`UPDATE dr1.orders SET v = v + 1 WHERE id <= 20`);
    // production comes back and receives the DR writes
    await s.source.restart();
    await waitStatus(rev, 'Running', 90_000);
    await waitMyApplied(s.target, s.source, rev);
    await svc.pause(rev);
    await waitStatus(rev, 'Paused');
    assert.equal(await rowsApplied(rev), 70n, 'the reverse applied exactly the 70 DR changes: nothing the forward had applied came back');

    // switch back: the forward task carries on from where it stopped
    const fwdBefore = await rowsApplied(fwd);
    await svc.start(fwd);
    await waitStatus(fwd, 'Running', 90_000);
    await s.source.query(`INSERT INTO dr1.orders (id, v, note) SELECT seq, seq, 'back' FROM seq_6001_to_6010`);
    await waitMyApplied(s.source, s.target, fwd);
    await waitFor('the forward metrics to count the new rows', async () => (await rowsApplied(fwd)) >= fwdBefore + 10n, 20_000, 250);
    assert.equal((await rowsApplied(fwd)) - fwdBefore, 10n, 'no echo of what the reverse wrote');
    assert.equal(await same('dr1', 'orders'), 1160);

    // planned switchover with AUTO_INCREMENT moved on the DR side
    const fo = await import('../../server/services/failover');
    const ready = await fo.readiness(fwd, 'switchover');
    assert.deepEqual(ready.blockers, []);
    assert.deepEqual(ready.sequences.map((x) => [x.table.name, x.column, x.next]), [['orders', 'id', '6011']], 'the readiness report shows the AUTO_INCREMENT move');
    await fo.switchover(fwd, { writesStopped: true });
    await waitStatus(rev, 'Running');
    // (a plain multi-row INSERT: INSERT ... SELECT reserves AUTO_INCREMENT values in powers of two)
    await s.target.query(`INSERT INTO dr1.orders (v, note) VALUES (1, 'dr2'), (2, 'dr2'), (3, 'dr2'), (4, 'dr2'), (5, 'dr2')`);
    const ids = await s.target.query<{ lo: number; hi: number }>(`SELECT MIN(id) AS lo, MAX(id) AS hi FROM dr1.orders WHERE note = 'dr2'`);
    assert.deepEqual([Number(ids[0].lo), Number(ids[0].hi)], [6011, 6015], 'new keys on the DR side follow production');
    await waitMyApplied(s.target, s.source, rev);
    // switch back as one action: production takes over after the DR side's keys
    await fo.switchBack(rev);
    await waitStatus(fwd, 'Running');
    await s.source.query(`INSERT INTO dr1.orders (v, note) VALUES (1, 'prod')`);
    assert.equal(Number((await s.source.query<{ id: number }>(`SELECT id FROM dr1.orders WHERE note = 'prod'`))[0].id), 6016);
    await waitMyApplied(s.source, s.target, fwd);
    assert.equal(await same('dr1', 'orders'), 1166);

    for (const id of [rev, fwd]) await setDesired(id, 'Released');
    await waitFor('both released', async () => !(await taskRow(rev)) && !(await taskRow(fwd)), 60_000);
  });
});

after(async () => {
  await stopMeta();
});
