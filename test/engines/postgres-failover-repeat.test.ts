// Failover and switch back, again and again, never deadlock in the metadata database (issue 14,
// item 4b). The deadlock: a task's row lock (FOR UPDATE) against the FOR KEY SHARE lock that
// inserting a row referencing the task (an event) takes; a failover logs each step into both
// tasks' events while it locks one task and then the other.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checksum } from '../helpers/pg';
import { createTask, setDesired, stopMeta, suiteHooks, waitApplied, waitStatus, type Pair } from '../helpers/harness';
import { reversePair, switchBackSteps } from '../helpers/reverse-pair';

describe('PostgreSQL 18: repeated failover and switch back', () => {
  let pair: Pair;
  suiteHooks(18, (p) => (pair = p));

  it('locking one task and then its peer while events of both are written does not deadlock', async () => {
    const { db } = await import('../../server/db');
    const { inTransaction, lockTask } = await import('../../server/services/task-lock');
    await pair.source.query('src', 'CREATE TABLE lock_probe (id int PRIMARY KEY)');
    const a = await createTask(pair, 'src', 'dst', { name: 'a', objects: { schemas: [{ name: 'public', tables: [{ name: 'lock_probe' }] }] } });
    const b = await createTask(pair, 'src', 'dst', { name: 'b', objects: { schemas: [{ name: 'public', tables: [{ name: 'lock_probe' }] }] } });
    let events: Promise<unknown> = Promise.resolve();
    await inTransaction(async (tx) => {
      await lockTask(tx, b);
      // another connection writes an event of each task, a then b, as a failover's step log does
      // (a Prisma query runs only once something waits for it: .then starts it now)
      events = db().taskEvent.createMany({ data: [a, b].map((taskId) => ({ taskId, level: 'info', message: 'lock probe' })) }).then((r) => r);
      await new Promise((r) => setTimeout(r, 300));
      await lockTask(tx, a);
    });
    await events;
    assert.equal(await db().taskEvent.count({ where: { message: 'lock probe' } }), 2, 'both events are written, and neither side deadlocked');
    await db().task.deleteMany({ where: { id: { in: [a, b] } } });
  });

  it('three rounds of failover and switch back with writes between them: no error, nothing lost', async () => {
    const svc = await import('../../server/services/failover');
    const { fwd, rev } = await reversePair(pair, `CREATE SCHEMA app; CREATE TABLE app.orders (id serial PRIMARY KEY, v text); INSERT INTO app.orders (v) SELECT 'p' FROM generate_series(1, 100)`);

    // a writer on the side that takes writes, stopped for each action as the seed asks
    const write = async (side: 'source' | 'target', tag: string) => {
      const dbName = side === 'source' ? 'src' : 'dst';
      for (let i = 0; i < 10; i++) {
        await pair[side].query(dbName, `INSERT INTO app.orders (v) SELECT '${tag}' FROM generate_series(1, 20); UPDATE app.orders SET v = v || '.' WHERE id % 17 = ${i}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    for (let round = 1; round <= 3; round++) {
      await write('source', `p${round}`);
      await waitApplied(pair.source, 'src', pair.target, fwd);
      const fo = await svc.failover(fwd);
      assert.equal(fo.steps.at(-1)?.step, 'Start the reverse task', `round ${round}: failover completed`);
      await waitStatus(rev, 'Running');
      await write('target', `dr${round}`);
      await waitApplied(pair.target, 'dst', pair.source, rev);
      const back = await svc.switchBack(rev);
      assert.deepEqual(back.steps.map((s) => s.step), await switchBackSteps(), `round ${round}: switch back completed`);
      await waitStatus(fwd, 'Running');
    }
    await waitApplied(pair.source, 'src', pair.target, fwd);
    const ref = { schema: 'app', name: 'orders' };
    const [x, y] = await Promise.all([checksum(pair.source, 'src', ref, ['id', 'v'], ['id']), checksum(pair.target, 'dst', ref, ['id', 'v'], ['id'])]);
    assert.equal(x.rows, 100 + 3 * 2 * 200);
    assert.deepEqual(y, x, 'both sides hold the same rows after three rounds');
    for (const id of [rev, fwd]) await setDesired(id, 'Released');
  });
});

after(async () => {
  await stopMeta();
});
