// The WAL or binlog a stopped task keeps on its source (issue 14, item 13): a paused, then ended
// task's slot (PostgreSQL) or binlog position (MariaDB) keeps what the source writes meanwhile.
// The replicator's periodic probe measures it for tasks no replicator runs, the get and list
// services show it, and after Release it is gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setDesired, startMeta, startPair, stopMeta, taskRow, waitStatus, createTask, type Pair } from '../helpers/harness';
import { createMyTask, NO_MARIADB, startMySuite, type MySuite } from '../helpers/mysql-harness';
import { testVersions, waitFor } from '../helpers/pg';

const MB = 1024 * 1024;
/** the probe's period in these tests */
const PROBE_MS = 500;

type Replicator = { stop(): Promise<void> };

async function replicator(): Promise<Replicator> {
  const { startReplicator } = await import('../../server/replicator/main');
  return startReplicator({ pollMs: 300, retainedProbeMs: PROBE_MS, log: process.env.DTS_TEST_VERBOSE ? console.log : () => undefined });
}

/** the figure as the get and list services show it, once measured after `since` */
async function measuredAfter(taskId: string, since: Date, what: string) {
  const { getTask } = await import('../../server/services/get-task');
  const { listTasks } = await import('../../server/services/list-tasks');
  const task = await waitFor(`${what}: a measurement of ${taskId} after ${since.toISOString()}`, async () => {
    const t = await getTask(taskId);
    return t.retained?.at && t.retained.at > since && t.retained.bytes !== null && t;
  }, 30_000, 100);
  const listed = (await listTasks({ search: taskId })).items.find((t) => t.id === taskId);
  assert.ok(task.retained && listed?.retained, 'the list shows the figure too');
  return { detail: task.retained, listed: listed.retained, updatedAt: task.updatedAt };
}

/** Pause, the source writes `write()` (about 20 MB), End, Release: the figure follows, then is gone */
async function pausedTaskKeepsWhatTheSourceWrites(taskId: string, kind: 'wal' | 'binlog', write: () => Promise<void>): Promise<void> {
  const { getTask } = await import('../../server/services/get-task');
  const { listTasks } = await import('../../server/services/list-tasks');
  await setDesired(taskId, 'Paused');
  await waitStatus(taskId, 'Paused');
  const paused = await measuredAfter(taskId, new Date(), 'paused');
  assert.equal(paused.detail.kind, kind);
  const before0 = paused.detail.bytes ?? 0;

  const wrote = new Date();
  await write();
  const grown = await measuredAfter(taskId, new Date(), 'after the writes');
  const bytes = grown.detail.bytes ?? 0;
  assert.ok(bytes - before0 >= 20 * MB, `the paused task keeps the ~20 MB written meanwhile: ${before0} -> ${bytes} bytes`);
  assert.ok(grown.listed.bytes !== null && grown.listed.bytes - before0 >= 20 * MB, `the list shows it too: ${grown.listed.bytes}`);
  assert.ok(grown.detail.at && grown.detail.at > wrote && grown.detail.at.getTime() <= Date.now(), `with the time it was measured: ${grown.detail.at?.toISOString()}`);
  assert.deepEqual(grown.updatedAt, paused.updatedAt, 'a measurement is not a change of the task (updatedAt stays)');

  // ended, not released: still held, still shown
  await setDesired(taskId, 'Ended');
  await waitStatus(taskId, 'Finished');
  const ended = await measuredAfter(taskId, new Date(), 'ended');
  assert.ok((ended.detail.bytes ?? 0) >= bytes, `an ended task still keeps it: ${ended.detail.bytes}`);

  await setDesired(taskId, 'Released');
  await waitFor('the task to be released', async () => (await taskRow(taskId)) === null, 60_000);
  await assert.rejects(getTask(taskId), /not found/i);
  assert.equal((await listTasks({ search: taskId })).items.length, 0, 'released: no longer listed');
}

for (const version of testVersions()) describe(`PostgreSQL ${version}: the WAL a stopped task's slot keeps`, () => {
  let pair: Pair;
  let r: Replicator;
  before(async () => {
    await startMeta();
    pair = await startPair(version);
    await pair.source.createDatabase('src');
    await pair.target.createDatabase('dst');
    r = await replicator();
  });
  after(async () => {
    await r?.stop();
    await pair?.stop();
  });

  it('measures the slot of a paused, then ended task (list and details), with wal_status; Release frees it', async () => {
    await pair.source.query('src', `CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text); INSERT INTO app.t SELECT g, 'v' || g FROM generate_series(1, 100) g;
      CREATE SCHEMA other; CREATE TABLE other.bulk (id int, pad text)`);
    const id = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'app' }] } });
    await setDesired(id, 'Running');
    await waitStatus(id, 'Running');
    const running = await measuredAfter(id, new Date(), 'running');
    assert.equal(running.detail.walStatus, 'reserved', 'PostgreSQL 13+ reports the slot wal_status');
    assert.equal(running.detail.note, null);

    await pausedTaskKeepsWhatTheSourceWrites(id, 'wal', async () => {
      // 24,000 rows of 1 KB that do not compress away: over 20 MB of WAL
      await pair.source.query('src', `INSERT INTO other.bulk SELECT g, repeat(md5(g::text), 32) FROM generate_series(1, 24000) g`);
    });
    const slots = await pair.source.query<{ n: string }>('src', `SELECT count(*)::text AS n FROM pg_replication_slots WHERE slot_name = $1`, [`dts_sync_${id}`]);
    assert.equal(slots[0].n, '0', 'Release dropped the slot');
  });
});

describe('MariaDB 10.11: the binlog a stopped task keeps', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  let r: Replicator;
  before(async () => {
    s = await startMySuite({ replicator: false });
    r = await replicator();
  });
  after(async () => {
    await r?.stop();
    await s?.stop();
  });

  it('sums the binlog files from a paused, then ended task position on; Release forgets it', async () => {
    await s.source.query(`CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(50)); INSERT INTO app.t SELECT seq, CONCAT('v', seq) FROM seq_1_to_100;
      CREATE DATABASE other; CREATE TABLE other.bulk (id INT PRIMARY KEY, pad TEXT)`);
    const id = await createMyTask(s.source, s.target, 'app', { objects: { schemas: [{ name: 'app' }] } });
    await setDesired(id, 'Running');
    await waitStatus(id, 'Running');
    await measuredAfter(id, new Date(), 'running');

    await pausedTaskKeepsWhatTheSourceWrites(id, 'binlog', async () => {
      // two transactions of 12,000 rows of 1 KB: over 20 MB of row events, and a rotation between them
      await s.source.query(`INSERT INTO other.bulk SELECT seq, REPEAT(MD5(seq), 32) FROM seq_1_to_12000`);
      await s.source.query('FLUSH BINARY LOGS');
      await s.source.query(`INSERT INTO other.bulk SELECT seq, REPEAT(MD5(seq), 32) FROM seq_12001_to_24000`);
    });
  });

  it('says "unknown" with the reason when the account may not run SHOW BINARY LOGS', async () => {
    await s.source.query(`CREATE USER 'nobinlog'@'%' IDENTIFIED BY 'pw'; GRANT SELECT ON *.* TO 'nobinlog'@'%'`);
    const { mysqlEngine } = await import('../../server/engines/mysql/index');
    const [figure] = await mysqlEngine.retained!.measure(s.source.config('app', 'nobinlog', 'pw'), [{ taskId: 'dtsnobinlog', position: 'mysql-bin.000001:4' }]);
    assert.equal(figure.bytes, null);
    assert.match(figure.note ?? '', /^unknown: the source account may not run SHOW BINARY LOGS .*BINLOG MONITOR/);
    const [root] = await mysqlEngine.retained!.measure(s.source.config('app'), [{ taskId: 'dtsroot', position: 'mysql-bin.999999:4' }]);
    assert.match(root.note ?? '', /no longer on the source \(purged\)/);
  });
});

after(async () => {
  await stopMeta();
});
