// Two-way synchronization between MariaDB servers (seed 003 for MySQL): writers on both sides on
// disjoint keys, with no echo (the marker table) and equal checksums; then the same row changed
// on both sides while the pair is paused, under each Conflict Resolution Policy, with every
// conflict recorded with both row images.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { setDesired, stopMeta, taskRow, waitStatus, rowsApplied, conflictsOf } from '../helpers/harness';
import { MARIADB_ROOT_PASSWORD, myChecksum, type MariaDbServer } from '../helpers/mysql';
import { createMyTask, mySuiteHooks, NO_MARIADB, waitMyApplied, type MySuite } from '../helpers/mysql-harness';
import { waitFor } from '../helpers/pg';

const SECONDS = Number(process.env.DTS_TWO_WAY_SECONDS ?? 20);
const COLS = ['id', 'v', 'side', 'note'];

/** small transactions on one side until `until`, on keys of its own; returns row changes */
async function writer(server: MariaDbServer, database: string, side: string, base: number, owned: [number, number], until: number): Promise<number> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: MARIADB_ROOT_PASSWORD, database });
  let changes = 0;
  let next = base;
  try {
    for (let i = 0; Date.now() < until; i++) {
      await c.query('START TRANSACTION');
      const [ins] = await c.query('INSERT INTO acct (id, v, side, note) VALUES (?, 0, ?, ?), (?, 0, ?, ?), (?, 0, ?, ?)', [next, side, 'new', next + 1, side, 'new', next + 2, side, 'new']);
      next += 3;
      const lo = owned[0] + ((i * 7) % (owned[1] - owned[0] - 10));
      const [upd] = await c.query('UPDATE acct SET v = v + 1, note = ? WHERE id BETWEEN ? AND ?', [`${side}${i}`, lo, lo + 4]);
      const [mine] = await c.query('UPDATE acct SET v = v + 1 WHERE id = ?', [next - 2]);
      const [del] = i % 5 === 0 ? await c.query('DELETE FROM acct WHERE id = ?', [next - 1]) : [{ affectedRows: 0 }];
      await c.query('COMMIT');
      changes += [ins, upd, mine, del].reduce((n, r) => n + (r as { affectedRows: number }).affectedRows, 0);
    }
  } finally {
    await c.end();
  }
  return changes;
}

let dbs = 0;

/** a two-way pair between database `a<n>` on the source and `a<n>` on the target, both Running */
async function twoWay(s: MySuite, ddl: (db: string) => string, policy: string): Promise<{ db: string; fwd: string; rev: string }> {
  const { configureReverseDirection } = await import('../../server/services/configure-reverse-direction');
  const database = `a${++dbs}`;
  await s.source.query(ddl(database));
  const fwd = await createMyTask(s.source, s.target, database, { topology: 'TwoWay', objects: { schemas: [{ name: database }] }, settings: { conflictPolicy: policy } });
  await setDesired(fwd, 'Running');
  await waitStatus(fwd, 'Running', 120_000);
  const rev = (await configureReverseDirection(fwd, { settings: { conflictPolicy: policy } })).id;
  assert.equal((await taskRow(rev))?.syncFull, false, 'full data goes in the forward direction only');
  await setDesired(rev, 'Running');
  await waitStatus(rev, 'Running', 120_000);
  return { db: database, fwd, rev };
}

describe('MySQL (MariaDB 10.11): two-way synchronization', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  mySuiteHooks((x) => (s = x));

  it(`runs writers on both sides for ${SECONDS} s on disjoint keys: no echo, equal checksums`, async () => {
    const { db, fwd, rev } = await twoWay(
      s,
      (d) => `CREATE DATABASE ${d}; CREATE TABLE ${d}.acct (id BIGINT PRIMARY KEY, v INT NOT NULL, side VARCHAR(10), note VARCHAR(40));
              INSERT INTO ${d}.acct SELECT seq, 0, 'seed', CONCAT('n', seq) FROM seq_1_to_2000`,
      'TaskFailed',
    );
    const [fwd0, rev0] = [await rowsApplied(fwd), await rowsApplied(rev)];
    const until = Date.now() + SECONDS * 1000;
    const [onA, onB] = await Promise.all([writer(s.source, db, 'A', 1_000_000, [1, 1000], until), writer(s.target, db, 'B', 2_000_000, [1001, 2000], until)]);
    assert.ok(onA > 1000 && onB > 1000, `both sides wrote (${onA}, ${onB} row changes)`);
    await waitMyApplied(s.source, s.target, fwd);
    await waitMyApplied(s.target, s.source, rev);
    const [ca, cb] = await Promise.all([myChecksum(s.source, db, 'acct', COLS, ['id']), myChecksum(s.target, db, 'acct', COLS, ['id'])]);
    assert.ok(ca.rows > 2000);
    assert.deepEqual(cb, ca, 'both sides hold the same rows');
    // each direction applied exactly what its own source wrote: nothing came back
    await waitFor('the applied counters', async () => (await rowsApplied(fwd)) - fwd0 === BigInt(onA) && (await rowsApplied(rev)) - rev0 === BigInt(onB), 30_000).catch(async () => {
      throw new Error(`applied forward ${(await rowsApplied(fwd)) - fwd0} of ${onA}, reverse ${(await rowsApplied(rev)) - rev0} of ${onB}`);
    });
    await new Promise((r) => setTimeout(r, 5_000));
    assert.equal((await rowsApplied(fwd)) - fwd0, BigInt(onA), 'forward: no change applied twice or echoed');
    assert.equal((await rowsApplied(rev)) - rev0, BigInt(onB), 'reverse: no change applied twice or echoed');
    assert.deepEqual(await conflictsOf(fwd), [], 'disjoint keys: no conflict');
    assert.deepEqual(await conflictsOf(rev), []);
    await setDesired(fwd, 'Released');
    await setDesired(rev, 'Released');
  });

  for (const policy of ['Ignore', 'Overwrite', 'TaskFailed'] as const) {
    it(`resolves the same row changed on both sides while paused with ${policy}, and records it`, async () => {
      const { db, fwd, rev } = await twoWay(s, (d) => `CREATE DATABASE ${d}; CREATE TABLE ${d}.t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO ${d}.t SELECT seq, 'orig' FROM seq_1_to_10`, policy);
      await setDesired(fwd, 'Paused');
      await setDesired(rev, 'Paused');
      await waitStatus(fwd, 'Paused');
      await waitStatus(rev, 'Paused');
      await s.source.query(`UPDATE ${db}.t SET v = 'from A' WHERE id = 1; INSERT INTO ${db}.t VALUES (100, 'A100'); INSERT INTO ${db}.t VALUES (11, 'only A')`);
      await s.target.query(`UPDATE ${db}.t SET v = 'from B' WHERE id = 1; INSERT INTO ${db}.t VALUES (100, 'B100'); INSERT INTO ${db}.t VALUES (12, 'only B')`);
      await setDesired(fwd, 'Running');
      await setDesired(rev, 'Running');
      const value = async (server: MariaDbServer, id: number) => (await server.query<{ v: string }>(`SELECT v FROM ${db}.t WHERE id = ?`, [id]))[0]?.v;

      if (policy === 'TaskFailed') {
        await waitStatus(fwd, 'Failed');
        await waitStatus(rev, 'Failed');
        for (const id of [fwd, rev]) {
          assert.match((await taskRow(id))?.statusReason ?? '', new RegExp(`${db}\\.t \\(id\\)=\\((1|100)\\)`), 'the reason names the table and the key');
          const c = await conflictsOf(id);
          assert.ok(c.length >= 1 && c.every((x) => x.action === 'failed' && x.policy === 'TaskFailed'), JSON.stringify(c));
        }
        assert.equal(await value(s.source, 1), 'from A', 'nothing overwritten');
        assert.equal(await value(s.target, 1), 'from B');
        // as the reason says: change the policy of the Failed tasks, then start them again
        const { updateTask } = await import('../../server/services/update-task');
        const { startTask } = await import('../../server/services/start-task');
        for (const id of [fwd, rev]) {
          const changed = await updateTask({ id, settings: { conflictPolicy: 'Ignore' } });
          assert.equal(changed.settings.conflictPolicy, 'Ignore');
          assert.ok(changed.actions.includes('changePolicy'), 'the console offers Change Conflict Resolution Policy');
          await startTask(id);
        }
        await waitStatus(fwd, 'Running');
        await waitStatus(rev, 'Running');
        await waitMyApplied(s.source, s.target, fwd);
        await waitMyApplied(s.target, s.source, rev);
        assert.equal(await value(s.target, 11), 'only A', 'the task resumed with the new policy');
        assert.equal(await value(s.source, 12), 'only B');
        assert.equal(await value(s.source, 1), 'from A', 'Ignore keeps each side');
        await setDesired(fwd, 'Released');
        await setDesired(rev, 'Released');
        return;
      }
      await waitStatus(fwd, 'Running');
      await waitStatus(rev, 'Running');
      await waitMyApplied(s.source, s.target, fwd);
      await waitMyApplied(s.target, s.source, rev);
      assert.equal(await value(s.target, 11), 'only A', 'rows without conflict went through');
      assert.equal(await value(s.source, 12), 'only B');
      if (policy === 'Ignore') {
        assert.equal(await value(s.source, 1), 'from A');
        assert.equal(await value(s.target, 1), 'from B');
        assert.equal(await value(s.source, 100), 'A100');
        assert.equal(await value(s.target, 100), 'B100');
      } else {
        assert.equal(await value(s.source, 1), 'from B');
        assert.equal(await value(s.target, 1), 'from A');
        assert.equal(await value(s.source, 100), 'B100');
        assert.equal(await value(s.target, 100), 'A100');
      }
      const action = policy === 'Ignore' ? 'ignored' : 'overwritten';
      for (const [id, mine, theirs] of [[fwd, 'from A', 'from B'], [rev, 'from B', 'from A']] as const) {
        const c = await conflictsOf(id);
        assert.deepEqual(c.map((x) => `${x.kind} ${x.keyText} ${x.action}`).sort(), [`unique_conflict {"id":"100"} ${action}`, `update_differs {"id":"1"} ${action}`], `task ${id}`);
        const differs = c.find((x) => x.kind === 'update_differs');
        assert.deepEqual(differs?.sourceImage, { id: '1', v: mine }, 'the source row image');
        assert.deepEqual(differs?.beforeImage, { id: '1', v: 'orig' }, "the source's old row image");
        assert.equal(String((differs?.targetImage as Record<string, unknown> | null)?.v), theirs, 'the destination row image');
        assert.equal(differs?.policy, policy);
      }
      await setDesired(fwd, 'Released');
      await setDesired(rev, 'Released');
    });
  }
});

after(async () => {
  await stopMeta();
});
