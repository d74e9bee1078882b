// Retrying: when the source or the destination goes away during incremental sync, the task
// shows Retrying with the cause, resumes by itself when the server is back, and loses nothing.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checksum, testVersions, waitFor } from '../helpers/pg';
import { createTask, setDesired, stopMeta, suiteHooks, taskRow, waitCaughtUp, waitStatus, type Pair } from '../helpers/harness';

const COLS = ['id', 'v'];

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: Retrying while a server restarts`, () => {
    let pair: Pair;
    suiteHooks(version, (p) => (pair = p));

    it('shows Retrying with the cause and resumes with nothing lost, for the source and the destination', async () => {
      await pair.source.query('src', `CREATE TABLE items (id int PRIMARY KEY, v text); INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 5000) g`);
      const id = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'public' }] } });
      await setDesired(id, 'Running');
      await waitStatus(id, 'Running');

      for (const [side, server] of [['source', pair.source], ['destination', pair.target]] as const) {
        await server.local.stop(side === 'source' ? 'fast' : 'immediate');
        await waitFor(`Retrying after the ${side} stopped`, async () => (await taskRow(id))?.status === 'Retrying', 60_000);
        const t = await taskRow(id);
        assert.match(t?.statusReason ?? '', /Cannot connect/, `the cause names the connection (${t?.statusReason})`);
        await server.local.start();
        await pair.source.query('src', `INSERT INTO items SELECT g, '${side}' FROM generate_series(${side === 'source' ? 5001 : 6001}, ${side === 'source' ? 6000 : 7000}) g`);
        await pair.source.query('src', `UPDATE items SET v = v || '+' WHERE id % 10 = 0`);
        await waitStatus(id, 'Running', 90_000);
        await waitCaughtUp(pair, 'src', id);
        const [a, b] = await Promise.all([
          checksum(pair.source, 'src', { schema: 'public', name: 'items' }, COLS, ['id']),
          checksum(pair.target, 'dst', { schema: 'public', name: 'items' }, COLS, ['id']),
        ]);
        assert.deepEqual(b, a, `nothing lost after the ${side} restarted`);
      }
      const { db } = await import('../../server/db');
      const retries = await db().taskEvent.count({ where: { taskId: id, message: { startsWith: 'Retrying' } } });
      assert.ok(retries >= 2 && retries < 20, `a Retrying event per outage, not per attempt (${retries})`);
      await setDesired(id, 'Released');
      await waitFor('release', async () => (await taskRow(id)) === null, 60_000);
    });
  });
}

after(async () => {
  await stopMeta();
});
