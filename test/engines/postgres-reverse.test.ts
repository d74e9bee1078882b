// Create Reverse Task and the disaster-recovery procedure of seed 000, on real servers: the
// reverse collects from its creation (not what the forward task applies) and refuses to run
// beside its forward task; production's server stops, the operator fails over, the DR side
// takes writes, production comes back and receives them, and the operator switches back.
// Neither direction echoes the other: each applies exactly the changes written on its source.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checksum, testVersions, waitFor } from '../helpers/pg';
import { createTask, setDesired, stopMeta, suiteHooks, taskRow, waitApplied, waitStatus, type Pair, rowsApplied } from '../helpers/harness';

const COLS = ['id', 'v', 'note'];

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: Create Reverse Task, failover and switch back`, () => {
    let pair: Pair;
    suiteHooks(version, (p) => (pair = p));

    it('collects on the old destination, refuses to run beside its forward task, fails over and back without echo', async () => {
      const svc = {
        reverse: (await import('../../server/services/create-reverse-task')).createReverseTask,
        start: (await import('../../server/services/start-task')).startTask,
        pause: (await import('../../server/services/pause-task')).pauseTask,
      };
      await pair.source.query('src', `CREATE SCHEMA app; CREATE TABLE app.orders (id int PRIMARY KEY, v int NOT NULL, note text, secret text);
        INSERT INTO app.orders SELECT g, g, 'n' || g, 's' FROM generate_series(1, 1000) g`);
      // renamed schema and column, a column left out: the reverse maps them back
      const fwd = await createTask(pair, 'src', 'dst', {
        objects: { schemas: [{ name: 'app', targetName: 'dr', tables: [{ name: 'orders', columns: [{ name: 'id' }, { name: 'v' }, { name: 'note', targetName: 'remark' }] }] }] },
      });
      await setDesired(fwd, 'Running');
      await waitStatus(fwd, 'Running');

      // 2. create the reverse task: prechecked at once, then collecting
      const rev = (await svc.reverse(fwd)).id;
      await waitStatus(rev, 'Performing Initial Synchronization', 60_000);
      // seed 000's switchover step 2 waits for this: the collection module runs from the precheck on
      const modules = (await (await import('../../server/services/get-task')).getTask(rev)).modules;
      assert.deepEqual(modules.filter((m) => m.key.startsWith('incremental')).map((m) => [m.module, m.status, m.latencyMs]), [
        ['Incremental Data Collection', 'Running', 0],
        ['Incremental Write', 'Not Started', null],
      ]);
      // the reverse task's WAL retention warning must be ignored before it can start
      await (await import('../../server/services/run-precheck')).ignorePrecheckWarnings(rev);
      const slot = await pair.target.query('dst', `SELECT 1 FROM pg_replication_slots WHERE slot_name = $1`, [`dts_sync_${rev}`]);
      assert.equal(slot.length, 1, 'the reverse task collects on the old destination from its creation');
      await assert.rejects(svc.reverse(fwd), /only one reverse task/);
      await assert.rejects(svc.start(rev), /forward task .* is running\. Pause it before you start the reverse task/);

      // the forward keeps applying (not collected by the reverse); the DR side gets its own writes too
      await pair.source.query('src', `INSERT INTO app.orders SELECT g, g, 'fwd', 's' FROM generate_series(1001, 1100) g`);
      await waitApplied(pair.source, 'src', pair.target, fwd);

      // 3. production fails: its server stops, and the forward task is Retrying
      await pair.source.local.stop('immediate');
      await waitStatus(fwd, 'Retrying', 60_000);
      // 4. failover: pause the forward task, start the reverse task (Retrying until production is back)
      await svc.pause(fwd);
      await waitStatus(fwd, 'Paused');
      // a paused runner has flushed its counters
      const fwdBefore = await rowsApplied(fwd);
      await svc.start(rev);
      await waitStatus(rev, 'Retrying', 60_000);
      await assert.rejects(svc.start(fwd), /reverse task .* is running\. Pause the reverse task/);

      // 5. the business writes to the DR side meanwhile
      await pair.target.query('dst', `INSERT INTO dr.orders SELECT g, g, 'dr' FROM generate_series(5001, 5050) g`);
      await pair.target.query('dst', `UPDATE dr.orders SET v = v + 1 WHERE id <= 20`);
      // 6. production comes back: the reverse task writes what the DR side collected
      await pair.source.local.start();
      await waitStatus(rev, 'Running', 90_000);
      await waitApplied(pair.target, 'dst', pair.source, rev);
      const secret = await pair.source.query<{ n: string }>('src', `SELECT count(*)::text AS n FROM app.orders WHERE id > 5000 AND secret IS NULL`);
      assert.equal(secret[0].n, '50', 'rows written back carry only the synchronized columns');

      // 7. switch back: pause the reverse, start the forward
      await svc.pause(rev);
      await waitStatus(rev, 'Paused');
      assert.equal(await rowsApplied(rev), 70n, 'the reverse applied exactly the 70 DR changes: nothing the forward had applied came back');
      await svc.start(fwd);
      await waitStatus(fwd, 'Running');
      await pair.source.query('src', `INSERT INTO app.orders SELECT g, g, 'back', 's' FROM generate_series(1101, 1110) g`);
      await waitApplied(pair.source, 'src', pair.target, fwd);
      await waitFor('the forward metrics to count the new rows', async () => (await rowsApplied(fwd)) >= fwdBefore + 10n, 20_000, 250);
      await svc.pause(fwd);
      await waitStatus(fwd, 'Paused');
      assert.equal(await rowsApplied(fwd) - fwdBefore, 10n, 'the forward applied exactly the 10 new rows: no echo of what the reverse wrote');

      const [a, b] = await Promise.all([
        checksum(pair.source, 'src', { schema: 'app', name: 'orders' }, COLS, ['id']),
        checksum(pair.target, 'dst', { schema: 'dr', name: 'orders' }, ['id', 'v', 'remark'], ['id']),
      ]);
      assert.equal(a.rows, 1160);
      assert.deepEqual(b, a, 'both sides hold the same rows after failover and switch back');
      for (const id of [rev, fwd]) await setDesired(id, 'Released');
      await waitFor('both released', async () => !(await taskRow(rev)) && !(await taskRow(fwd)), 60_000);
    });
  });
}

after(async () => {
  await stopMeta();
});
