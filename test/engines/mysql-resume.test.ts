// MySQL full and incremental sync under a concurrent writer, with the replicator killed (-9)
// during the full load and again during incremental sync: the next replicator resumes from the
// checkpoint on the target, and the tables end equal by ordered checksum.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { killHard, setDesired, spawnReplicator, stopMeta, taskRow, waitStatus } from '../helpers/harness';
import { MARIADB_ROOT_PASSWORD, myChecksum, type MariaDbServer } from '../helpers/mysql';
import { createMyTask, mySuiteHooks, NO_MARIADB, waitMyApplied, type MySuite } from '../helpers/mysql-harness';
import { waitFor } from '../helpers/pg';

const COLS = ['id', 'n', 'amount', 'note', 'doc', 'at'];

/** small transactions of inserts, updates and deletes on app.items until stopped */
function startWriter(server: MariaDbServer): { stop(): Promise<number> } {
  let stopped = false;
  const run = (async () => {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: MARIADB_ROOT_PASSWORD, database: 'app' });
    let txns = 0;
    try {
      for (let i = 0; !stopped; i++) {
        await c.query('START TRANSACTION');
        await c.query('INSERT INTO items (id, n, amount, note, doc) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)', [1_000_000 + 2 * i, i, i * 1.25, `w${i}`, JSON.stringify({ i }), 1_000_001 + 2 * i, i, 0, null, null]);
        await c.query('UPDATE items SET n = n + 1, amount = amount + 0.01, at = NOW(6) WHERE id BETWEEN ? AND ?', [(i * 37) % 150_000, ((i * 37) % 150_000) + 5]);
        if (i % 3 === 0) await c.query('DELETE FROM items WHERE id = ?', [(i * 101) % 150_000]);
        if (i % 50 === 0) await c.query('UPDATE items SET id = id + 5000000 WHERE id = ?', [1_000_000 + 2 * i]);
        await c.query('COMMIT');
        txns++;
      }
    } finally {
      await c.end();
    }
    return txns;
  })();
  return {
    stop: async () => {
      stopped = true;
      return run;
    },
  };
}

describe('MySQL (MariaDB 10.11): kill -9 of the replicator during full and incremental sync', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  const children: ChildProcess[] = [];
  mySuiteHooks((x) => (s = x), { replicator: false });
  after(async () => {
    for (const c of children) await killHard(c);
  });

  it('resumes from the checkpoint on the target with no row lost or doubled', async () => {
    await s.source.query(`CREATE DATABASE app; CREATE TABLE app.items (id BIGINT PRIMARY KEY, n INT NOT NULL, amount DECIMAL(14,2), note VARCHAR(300), doc JSON, at DATETIME(6) NOT NULL DEFAULT NOW(6));
      INSERT INTO app.items (id, n, amount, note, doc) SELECT seq, seq % 1000, seq * 1.25, CONCAT(REPEAT('x', 200), seq), JSON_OBJECT('g', seq) FROM seq_1_to_150000`);
    const task = await createMyTask(s.source, s.target, 'app', { objects: { schemas: [{ name: 'app' }] }, settings: { fullParallelism: 4 } });
    const writer = startWriter(s.source);
    try {
      children.push(spawnReplicator());
      await setDesired(task, 'Running');
      // kill during the full load, once some rows are in
      const { db } = await import('../../server/db');
      await waitFor('rows copied', async () => ((await db().tableProgress.findFirst({ where: { taskId: task } }))?.rowsDone ?? 0n) > 0n, 60_000, 50);
      await killHard(children[children.length - 1]);
      children.push(spawnReplicator());
      await waitStatus(task, 'Running', 120_000);
      await new Promise((r) => setTimeout(r, 3000));
      // kill during incremental sync, under the writer
      await killHard(children[children.length - 1]);
      await new Promise((r) => setTimeout(r, 1000));
      children.push(spawnReplicator());
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      const txns = await writer.stop();
      assert.ok(txns > 50, `the writer committed ${txns} transactions`);
    }
    await waitStatus(task, 'Running', 120_000);
    await waitMyApplied(s.source, s.target, task, 120_000);
    const [a, b] = await Promise.all([myChecksum(s.source, 'app', 'items', COLS, ['id']), myChecksum(s.target, 'app', 'items', COLS, ['id'])]);
    assert.ok(a.rows > 150_000);
    assert.deepEqual(b, a, 'ordered checksum of app.items after two kills');
    await setDesired(task, 'Released');
    await waitFor('the task to be released', async () => !(await taskRow(task)), 60_000);
  });
});

after(async () => {
  await stopMeta();
});
