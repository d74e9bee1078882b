// Task lifecycle on real servers while a writer keeps changing the source: full and incremental
// sync with no row lost or duplicated, pause and resume, kill -9 of the replicator during full
// load and during incremental, two replicators never running one task, and release cleanup.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { checksum, testVersions, waitFor } from '../helpers/pg';
import { createTask, killHard, setDesired, spawnReplicator, startMeta, startPair, stopMeta, taskRow, waitCaughtUp, waitStatus, type Pair } from '../helpers/harness';

const COLS = ['id', 'account', 'amount', 'note', 'updated'];

async function same(pair: Pair, table: string): Promise<void> {
  const ref = { schema: 'app', name: table };
  const [a, b] = await Promise.all([checksum(pair.source, 'src', ref, COLS, ['id']), checksum(pair.target, 'dst', ref, COLS, ['id'])]);
  assert.ok(a.rows > 0);
  assert.deepEqual(b, a, `ordered checksum of app.${table}`);
}

/** a writer that keeps inserting, updating and deleting on the source until stopped */
function startWriter(pair: Pair, table: string): { stop(): Promise<number> } {
  let stopped = false;
  let n = 0;
  const loop = (async () => {
    while (!stopped) {
      await pair.source.query(
        'src',
        `WITH ins AS (INSERT INTO app.${table} (account, amount, note) SELECT (random()*1000)::int, random()*100, 'w' || g FROM generate_series(1, 20) g RETURNING 1)
         SELECT count(*) FROM ins`,
      );
      await pair.source.query('src', `UPDATE app.${table} SET amount = amount + 1, updated = now() WHERE id IN (SELECT id FROM app.${table} ORDER BY random() LIMIT 10)`);
      await pair.source.query('src', `DELETE FROM app.${table} WHERE id IN (SELECT id FROM app.${table} ORDER BY random() LIMIT 3)`);
      n += 33;
    }
  })();
  // when a test fails before stop(), the loop's error must not surface as unhandled
  loop.catch(() => undefined);
  return {
    async stop() {
      stopped = true;
      await loop;
      return n;
    },
  };
}

async function seed(pair: Pair, table: string, rows: number): Promise<void> {
  await pair.source.query('src', `CREATE SCHEMA IF NOT EXISTS app`);
  await pair.source.query(
    'src',
    `CREATE TABLE app.${table} (id bigserial PRIMARY KEY, account int NOT NULL, amount numeric(12,2), note text, updated timestamptz DEFAULT now());
     CREATE INDEX ON app.${table} (account);`,
  );
  await pair.source.query('src', `INSERT INTO app.${table} (account, amount, note) SELECT g % 1000, g / 7.0, repeat('n', g % 200) FROM generate_series(1, ${rows}) g`);
}

for (const version of testVersions()) describe(`PostgreSQL ${version} task lifecycle under a concurrent writer`, () => {
  let pair: Pair;
  const children: ChildProcess[] = [];

  before(async () => {
    await startMeta();
    pair = await startPair(version);
    await pair.source.createDatabase('src');
    await pair.target.createDatabase('dst');
  });

  after(async () => {
    for (const c of children) await killHard(c);
    await pair?.stop();
  });

  it('survives kill -9 during full load and during incremental, pauses and resumes, and release drops everything', async () => {
    await seed(pair, 'ledger', 400_000);
    const id = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'app' }] }, settings: { fullParallelism: 2, fullBps: 20_000_000 } });
    const writer = startWriter(pair, 'ledger');

    // two replicators on one metadata database: only one runs the task
    let a = spawnReplicator();
    const b = spawnReplicator();
    children.push(a, b);
    await setDesired(id, 'Running');
    const sessions = async (server: Pair['source'], db: string, app: string) =>
      Number((await server.query<{ n: string }>(db, `SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = $1`, [app]))[0].n);
    const copying = await waitFor('full load to start', async () => sessions(pair.source, 'src', 'dts-snapshot'), 60_000, 20);
    assert.ok(copying <= 2, `one replicator copies with its 2 workers (snapshot sessions: ${copying})`);

    // kill -9 the owner during full load: the other takes over
    const events = async () => (await import('../../server/db')).db().taskEvent.findMany({ where: { taskId: id }, orderBy: { id: 'asc' } });
    const ownerLine = (await events()).filter((e) => e.message.startsWith('Replicator ')).pop()?.message ?? '';
    const victim = ownerLine.includes(`:${a.pid} `) ? a : b;
    const stageAtKill = (await taskRow(id))?.stage;
    await killHard(victim);
    assert.equal(stageAtKill, 'full', 'the kill came during the full load');
    await waitStatus(id, 'Running', 180_000);
    const takeovers = (await events()).filter((e) => e.message.startsWith('Replicator ')).length;
    assert.ok(takeovers >= 2, 'another replicator took the task over');
    // kill -9 during incremental, restart one
    const survivor = victim === a ? b : a;
    await new Promise((r) => setTimeout(r, 1500));
    await killHard(survivor);
    a = spawnReplicator();
    children.push(a);
    await waitStatus(id, 'Running', 60_000);
    // the restarted replicator takes over; at no moment do two processes apply
    await waitFor('the new replicator to apply', async () => (await sessions(pair.target, 'dst', `dts-apply-${id}`)) === 1, 60_000, 100);
    for (let i = 0; i < 10; i++) {
      assert.ok((await sessions(pair.target, 'dst', `dts-apply-${id}`)) <= 1, 'at most one replicator applies changes');
      await new Promise((r) => setTimeout(r, 200));
    }

    // pause: the target stops changing while the source goes on; resume catches up
    await setDesired(id, 'Paused');
    await waitStatus(id, 'Paused', 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    const frozen = await checksum(pair.target, 'dst', { schema: 'app', name: 'ledger' }, COLS, ['id']);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await checksum(pair.target, 'dst', { schema: 'app', name: 'ledger' }, COLS, ['id']), frozen, 'nothing is applied while Paused');
    const slot = await pair.source.query('src', `SELECT 1 FROM pg_replication_slots WHERE slot_name = $1`, [`dts_sync_${id}`]);
    assert.equal(slot.length, 1, 'pause keeps the slot');
    // a table created meanwhile in the selected schema is not added silently
    await pair.source.query('src', 'CREATE TABLE app.later (id int PRIMARY KEY)');
    await setDesired(id, 'Running');
    await waitStatus(id, 'Running', 60_000);
    assert.ok((await events()).some((e) => e.level === 'warn' && e.message.includes('created after the task started: app.later')), 'a warning names the new table');

    const written = await writer.stop();
    assert.ok(written > 0);
    await waitCaughtUp(pair, 'src', id);
    await same(pair, 'ledger');
    const idx = await pair.target.query('dst', `SELECT 1 FROM pg_indexes WHERE schemaname = 'app' AND tablename = 'ledger' AND indexdef LIKE '%(account)%'`);
    assert.equal(idx.length, 1, 'secondary index created after the full load');

    // SIGTERM: the owner finishes its batch, checkpoints and exits; the lock goes with it
    const owner = a;
    const exited = new Promise<number | null>((r) => owner.once('exit', (code) => r(code)));
    const t0 = Date.now();
    owner.kill('SIGTERM');
    assert.equal(await exited, 0, 'graceful exit');
    assert.ok(Date.now() - t0 < 15_000, `stopped in ${Date.now() - t0} ms`);
    const next = spawnReplicator();
    children.push(next);
    await waitFor('a new owner to apply', async () => (await sessions(pair.target, 'dst', `dts-apply-${id}`)) === 1, 60_000, 100);
    await pair.source.query('src', `UPDATE app.ledger SET note = 'after sigterm' WHERE id % 100 = 0`);
    await waitCaughtUp(pair, 'src', id);
    await same(pair, 'ledger');

    // release: slot, publication, origin and heartbeat are gone, and so is the task
    await setDesired(id, 'Released');
    await waitFor('task to be released', async () => (await taskRow(id)) === null, 60_000);
    const left = await pair.source.query<{ n: string }>(
      'src',
      `SELECT ((SELECT count(*) FROM pg_replication_slots) + (SELECT count(*) FROM pg_publication) + (SELECT count(*) FROM pg_class WHERE relname = 'dts_postgres_heartbeat') + (SELECT count(*) FROM pg_namespace WHERE nspname = 'dts'))::text AS n`,
    );
    assert.equal(left[0].n, '0', 'no slot, publication, heartbeat table or dts schema left on the source');
    const origins = await pair.target.query<{ n: string }>('dst', `SELECT ((SELECT count(*) FROM pg_replication_origin) + (SELECT count(*) FROM pg_class WHERE relname = 'dts_sync_checkpoint') + (SELECT count(*) FROM pg_namespace WHERE nspname = 'dts'))::text AS n`);
    assert.equal(origins[0].n, '0', 'no replication origin, checkpoint table or dts schema left on the target');
  });
});

after(async () => {
  await stopMeta();
});
