// Planned switchover, switch back and failover as one action each, with sequences moved on the
// side taking over writes: new inserts there do not collide with keys the other side made.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checksum, testVersions } from '../helpers/pg';
import { createTask, setDesired, stopMeta, suiteHooks, waitApplied, waitStatus, type Pair } from '../helpers/harness';
import { switchBackSteps, switchoverSteps } from '../helpers/reverse-pair';

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: switchover, switch back and failover with sequences`, () => {
    let pair: Pair;
    suiteHooks(version, (p) => (pair = p));

    async function same(): Promise<number> {
      const ref = { schema: 'app', name: 'orders' };
      const [a, b] = await Promise.all([checksum(pair.source, 'src', ref, ['id', 'v'], ['id']), checksum(pair.target, 'dst', ref, ['id', 'v'], ['id'])]);
      assert.deepEqual(b, a, 'both sides hold the same rows');
      return a.rows;
    }

    it('moves sequences so that the new primary never reuses a key, in every action', async () => {
      const svc = await import('../../server/services/failover');
      const { createReverseTask } = await import('../../server/services/create-reverse-task');
      await pair.source.query('src', `CREATE SCHEMA app; CREATE TABLE app.orders (id serial PRIMARY KEY, v text); INSERT INTO app.orders (v) SELECT 'p' || g FROM generate_series(1, 100) g`);
      const fwd = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'app' }] } });
      await setDesired(fwd, 'Running');
      await waitStatus(fwd, 'Running');
      // production goes on: its sequence moves ahead of the copy on the DR side
      await pair.source.query('src', `INSERT INTO app.orders (v) SELECT 'p' FROM generate_series(1, 50)`);
      const rev = (await createReverseTask(fwd)).id;
      await waitStatus(rev, 'Performing Initial Synchronization', 60_000);
      // the reverse task's WAL retention warning must be ignored before it can start
      await (await import('../../server/services/run-precheck')).ignorePrecheckWarnings(rev);

      const ready = await svc.readiness(fwd, 'switchover');
      assert.deepEqual(ready.blockers, []);
      assert.deepEqual(ready.sequences.map((s) => [s.table.name, s.column, s.next]), [['orders', 'id', '151']], 'the readiness report shows the sequence move');
      await assert.rejects(svc.switchover(fwd, { writesStopped: false }), /Stop writing business data first/);

      // planned switchover: the DR side becomes the primary
      const report = await svc.switchover(fwd, { writesStopped: true });
      assert.deepEqual(report.steps.map((s) => s.step), await switchoverSteps());
      await waitStatus(rev, 'Running');
      await pair.target.query('dst', `INSERT INTO app.orders (v) SELECT 'dr' FROM generate_series(1, 10)`);
      const drIds = await pair.target.query<{ min: number; max: number }>('dst', `SELECT min(id), max(id) FROM app.orders WHERE v = 'dr'`);
      assert.deepEqual(drIds[0], { min: 151, max: 160 }, 'new keys on the DR side follow production');
      await waitApplied(pair.target, 'dst', pair.source, rev);
      assert.equal(await same(), 160);

      // switch back: production takes over again after the DR side's keys
      const back = await svc.switchBack(rev);
      assert.deepEqual(back.steps.map((s) => s.step), await switchBackSteps());
      await waitStatus(fwd, 'Running');
      await pair.source.query('src', `INSERT INTO app.orders (v) VALUES ('back')`);
      assert.equal((await pair.source.query<{ id: number }>('src', `SELECT id FROM app.orders WHERE v = 'back'`))[0].id, 161);
      await waitApplied(pair.source, 'src', pair.target, fwd);

      // failover: production's keys continue on the DR side
      await pair.source.query('src', `INSERT INTO app.orders (v) SELECT 'p2' FROM generate_series(1, 5)`);
      await waitApplied(pair.source, 'src', pair.target, fwd);
      const fo = await svc.failover(fwd);
      assert.deepEqual(fo.steps.map((s) => s.step), ['Pause the forward task', 'Move sequences', 'Start the reverse task']);
      await waitStatus(rev, 'Running');
      await pair.target.query('dst', `INSERT INTO app.orders (v) VALUES ('dr2')`);
      assert.equal((await pair.target.query<{ id: number }>('dst', `SELECT id FROM app.orders WHERE v = 'dr2'`))[0].id, 167);
      await waitApplied(pair.target, 'dst', pair.source, rev);
      assert.equal(await same(), 167);
      for (const id of [rev, fwd]) await setDesired(id, 'Released');
    });
  });
}

after(async () => {
  await stopMeta();
});
