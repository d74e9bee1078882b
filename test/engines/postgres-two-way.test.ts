// Two-way synchronization (seed 003) on real servers. Writers on both sides for at least 30 s on
// disjoint keys: each direction applies exactly the changes written on its own source (no
// echo), and both databases end with equal checksums; again through a kill -9 of the replicator. Then the same row changed on both sides
// while both directions are paused, and resumed: each Conflict Resolution Policy does what it
// says while catching up, and every conflict is recorded.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { checksum, testVersions, waitFor, type PgServer } from '../helpers/pg';
import type { ChildProcess } from 'node:child_process';
import { createTask, killHard, pairHooks, setDesired, spawnReplicator, stopMeta, suiteHooks, taskRow, waitApplied, waitStatus, type Pair, rowsApplied, conflictsOf } from '../helpers/harness';

const SECONDS = Number(process.env.DTS_TWO_WAY_SECONDS ?? 30);
const TABLE = { schema: 'app', name: 'acct' };
const COLS = ['id', 'v', 'side', 'note'];

/**
 * Writes on one side until `until`: small transactions inserting new keys of its own range,
 * updating and deleting its own rows. Returns the number of row changes it committed.
 */
async function writer(server: PgServer, db: string, side: string, base: number, owned: [number, number], until: number): Promise<number> {
  const c = new pg.Client({ connectionString: server.url(db) });
  await c.connect();
  let changes = 0;
  let next = base;
  try {
    for (let i = 0; Date.now() < until; i++) {
      await c.query('BEGIN');
      const ins = await c.query(`INSERT INTO app.acct (id, v, side, note) SELECT g, 0, $1, 'new' FROM generate_series($2::bigint, $3::bigint) g`, [side, next, next + 2]);
      next += 3;
      const lo = owned[0] + ((i * 7) % (owned[1] - owned[0] - 10));
      const upd = await c.query(`UPDATE app.acct SET v = v + 1, note = $1 WHERE id BETWEEN $2 AND $3`, [`${side}${i}`, lo, lo + 4]);
      const mine = await c.query(`UPDATE app.acct SET v = v + 1 WHERE id = $1`, [next - 2]);
      const del = i % 5 === 0 ? await c.query(`DELETE FROM app.acct WHERE id = $1`, [next - 1]) : { rowCount: 0 };
      await c.query('COMMIT');
      changes += (ins.rowCount ?? 0) + (upd.rowCount ?? 0) + (mine.rowCount ?? 0) + (del.rowCount ?? 0);
    }
  } finally {
    await c.end();
  }
  return changes;
}

let dbs = 0;

/** a two-way pair between new databases, both directions Running */
async function twoWay(pair: Pair, ddl: string, objects: unknown, policy: string): Promise<{ a: string; b: string; fwd: string; rev: string }> {
  const { configureReverseDirection } = await import('../../server/services/configure-reverse-direction');
  const a = `a${++dbs}`;
  const b = `b${dbs}`;
  await pair.source.createDatabase(a);
  await pair.target.createDatabase(b);
  await pair.source.query(a, ddl);
  const fwd = await createTask(pair, a, b, { topology: 'TwoWay', objects, settings: { conflictPolicy: policy } });
  await setDesired(fwd, 'Running');
  await waitStatus(fwd, 'Running');
  // the schema synchronization does not carry the replica identity: set it on the other side
  for (const t of await pair.source.query<{ t: string }>(a, `SELECT c.oid::regclass::text AS t FROM pg_class c WHERE relreplident = 'f' AND relkind = 'r'`)) {
    await pair.target.query(b, `ALTER TABLE ${t.t} REPLICA IDENTITY FULL`);
  }
  // the reverse direction: configured once the forward one is Running
  const rev = (await configureReverseDirection(fwd, { settings: { conflictPolicy: policy } })).id;
  const row = await taskRow(rev);
  assert.equal(row?.syncFull, false, 'full data goes in the forward direction only');
  await setDesired(rev, 'Running');
  await waitStatus(rev, 'Running');
  return { a, b, fwd, rev };
}

const ACCT_DDL = `CREATE SCHEMA app; CREATE TABLE app.acct (id bigint PRIMARY KEY, v int NOT NULL, side text, note text);
  ALTER TABLE app.acct REPLICA IDENTITY FULL;
  INSERT INTO app.acct SELECT g, 0, 'seed', 'n' || g FROM generate_series(1, 2000) g`;

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: two-way synchronization`, () => {
    let pair: Pair;
    suiteHooks(version, (p) => (pair = p));

    it(`runs writers on both sides for ${SECONDS} s on disjoint keys: no echo, equal checksums`, async () => {
      const { a, b, fwd, rev } = await twoWay(pair, ACCT_DDL, { schemas: [{ name: 'app' }] }, 'TaskFailed');
      const [fwd0, rev0] = [await rowsApplied(fwd), await rowsApplied(rev)];
      const until = Date.now() + SECONDS * 1000;
      const [onA, onB] = await Promise.all([
        writer(pair.source, a, 'A', 1_000_000, [1, 1000], until),
        writer(pair.target, b, 'B', 2_000_000, [1001, 2000], until),
      ]);
      assert.ok(onA > 1000 && onB > 1000, `both sides wrote (${onA}, ${onB} row changes)`);
      await waitApplied(pair.source, a, pair.target, fwd);
      await waitApplied(pair.target, b, pair.source, rev);

      const [ca, cb] = [await checksum(pair.source, a, TABLE, COLS, ['id']), await checksum(pair.target, b, TABLE, COLS, ['id'])];
      assert.deepEqual(cb, ca, 'both sides hold the same rows');
      assert.ok(ca.rows > 2000);
      // each direction applied exactly what its own source wrote: nothing came back
      await waitFor('the applied counters', async () => (await rowsApplied(fwd)) - fwd0 === BigInt(onA) && (await rowsApplied(rev)) - rev0 === BigInt(onB), 30_000).catch(async () => {
        throw new Error(`applied forward ${(await rowsApplied(fwd)) - fwd0} of ${onA}, reverse ${(await rowsApplied(rev)) - rev0} of ${onB}`);
      });
      await new Promise((r) => setTimeout(r, 6_000));
      assert.equal((await rowsApplied(fwd)) - fwd0, BigInt(onA), 'forward: no change applied twice or echoed');
      assert.equal((await rowsApplied(rev)) - rev0, BigInt(onB), 'reverse: no change applied twice or echoed');
      assert.deepEqual(await conflictsOf(fwd), [], 'disjoint keys: no conflict');
      assert.deepEqual(await conflictsOf(rev), []);
      await setDesired(fwd, 'Released');
      await setDesired(rev, 'Released');
    });

    for (const policy of ['Ignore', 'Overwrite', 'TaskFailed'] as const) {
      it(`resolves the same row changed on both sides while paused with ${policy}, and records it`, async () => {
        const { a, b, fwd, rev } = await twoWay(
          pair,
          `CREATE TABLE t (id int PRIMARY KEY, v text); ALTER TABLE t REPLICA IDENTITY FULL;
           INSERT INTO t SELECT g, 'orig' FROM generate_series(1, 10) g`,
          { schemas: [{ name: 'public' }] },
          policy,
        );
        await setDesired(fwd, 'Paused');
        await setDesired(rev, 'Paused');
        await waitStatus(fwd, 'Paused');
        await waitStatus(rev, 'Paused');
        // both sides change row 1, and insert key 100, while the pair is paused
        await pair.source.query(a, `UPDATE t SET v = 'from A' WHERE id = 1; INSERT INTO t VALUES (100, 'A100'); INSERT INTO t VALUES (11, 'only A')`);
        await pair.target.query(b, `UPDATE t SET v = 'from B' WHERE id = 1; INSERT INTO t VALUES (100, 'B100'); INSERT INTO t VALUES (12, 'only B')`);
        await setDesired(fwd, 'Running');
        await setDesired(rev, 'Running');
        const value = async (s: PgServer, db: string, id: number) => (await s.query<{ v: string }>(db, 'SELECT v FROM t WHERE id = $1', [id]))[0]?.v;

        if (policy === 'TaskFailed') {
          await waitStatus(fwd, 'Failed');
          await waitStatus(rev, 'Failed');
          for (const id of [fwd, rev]) {
            assert.match((await taskRow(id))?.statusReason ?? '', /public\.t \(id\)=\((1|100)\)/, 'the reason names the table and the key');
            const c = await conflictsOf(id);
            assert.ok(c.length >= 1 && c.every((x) => x.action === 'failed' && x.policy === 'TaskFailed'), JSON.stringify(c));
          }
          assert.equal(await value(pair.source, a, 1), 'from A', 'nothing overwritten');
          assert.equal(await value(pair.target, b, 1), 'from B');
          return;
        }
        await waitStatus(fwd, 'Running');
        await waitStatus(rev, 'Running');
        await waitApplied(pair.source, a, pair.target, fwd);
        await waitApplied(pair.target, b, pair.source, rev);
        // rows without conflict went through in the same batches
        assert.equal(await value(pair.target, b, 11), 'only A');
        assert.equal(await value(pair.source, a, 12), 'only B');
        if (policy === 'Ignore') {
          // each side keeps its own row
          assert.equal(await value(pair.source, a, 1), 'from A');
          assert.equal(await value(pair.target, b, 1), 'from B');
          assert.equal(await value(pair.source, a, 100), 'A100');
          assert.equal(await value(pair.target, b, 100), 'B100');
        } else {
          // each side takes the other's row
          assert.equal(await value(pair.source, a, 1), 'from B');
          assert.equal(await value(pair.target, b, 1), 'from A');
          assert.equal(await value(pair.source, a, 100), 'B100');
          assert.equal(await value(pair.target, b, 100), 'A100');
        }
        const action = policy === 'Ignore' ? 'ignored' : 'overwritten';
        for (const [id, mine, theirs] of [[fwd, 'from A', 'from B'], [rev, 'from B', 'from A']] as const) {
          const c = await conflictsOf(id);
          assert.deepEqual(c.map((x) => `${x.kind} ${x.keyText} ${x.action}`).sort(), [`unique_conflict {"id":"100"} ${action}`, `update_differs {"id":"1"} ${action}`], `task ${id}`);
          const differs = c.find((x) => x.kind === 'update_differs');
          assert.deepEqual(differs?.sourceImage, { id: '1', v: mine }, 'the source row image');
          assert.deepEqual(differs?.beforeImage, { id: '1', v: 'orig' }, "the source's old row image");
        assert.deepEqual(differs?.beforeImage, { id: '1', v: 'orig' }, "the source's old row image");
          assert.deepEqual(differs?.targetImage, { id: 1, v: theirs }, 'the destination row image');
          assert.equal(differs?.policy, policy);
        }
        const { renderPrometheusMetrics } = await import('../../server/services/prometheus-metrics');
        assert.match(await renderPrometheusMetrics(), new RegExp(`dts_task_conflicts_total\\{task_id="${fwd}",task_name="[^"]*",kind="update_differs",action="${action}"\\} 1\n`));
        await setDesired(fwd, 'Released');
        await setDesired(rev, 'Released');
      });
    }
  });
}

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: two-way synchronization through kill -9 of the replicator`, () => {
    let pair: Pair;
    const children: ChildProcess[] = [];
    pairHooks(version, children, (p) => (pair = p));

    it('replays nothing twice: no conflict, no lost change, equal checksums', async () => {
      children.push(spawnReplicator());
      const { a, b, fwd, rev } = await twoWay(pair, ACCT_DDL, { schemas: [{ name: 'app' }] }, 'TaskFailed');
      const until = Date.now() + 20_000;
      const writers = Promise.all([
        writer(pair.source, a, 'A', 1_000_000, [1, 1000], until),
        writer(pair.target, b, 'B', 2_000_000, [1001, 2000], until),
      ]);
      // both directions are mid-apply: the replicator dies without a word, another takes over
      await new Promise((r) => setTimeout(r, 7_000));
      await killHard(children[children.length - 1]);
      await new Promise((r) => setTimeout(r, 2_000));
      children.push(spawnReplicator());
      const [onA, onB] = await writers;
      assert.ok(onA > 500 && onB > 500, `both sides wrote (${onA}, ${onB} row changes)`);
      await waitStatus(fwd, 'Running');
      await waitStatus(rev, 'Running');
      await waitApplied(pair.source, a, pair.target, fwd);
      await waitApplied(pair.target, b, pair.source, rev);
      assert.deepEqual(await checksum(pair.target, b, TABLE, COLS, ['id']), await checksum(pair.source, a, TABLE, COLS, ['id']));
      // an INSERT or UPDATE applied twice would meet its own row: a conflict, and TaskFailed
      assert.deepEqual(await conflictsOf(fwd), []);
      assert.deepEqual(await conflictsOf(rev), []);
    });
  });
}

after(async () => stopMeta());
