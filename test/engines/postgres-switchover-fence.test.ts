// Planned switchover while an application still writes (issue 14, item 1). The operator confirms
// "writes stopped" although about 400 rows/s still go into production. The switchover fences the
// source: an ordinary writer is stopped by the fence, and nothing it committed is lost; a writer
// that gets around the fence makes the switchover refuse, say how many changes arrived, start the
// forward task again and lift the fence. Ordered checksums of both sides show nothing lost.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { checksum, testVersions, waitFor, type PgServer } from '../helpers/pg';
import { stopMeta, suiteHooks, taskRow, waitApplied, waitStatus, type Pair } from '../helpers/harness';
import { reversePair, switchBackSteps, switchoverSteps } from '../helpers/reverse-pair';

const ORDERS = { schema: 'app', name: 'orders' };

/** inserts one row per transaction, about `rps` a second, reconnecting after each error */
class Writer {
  committed = 0;
  readOnlyErrors = 0;
  otherErrors: string[] = [];
  private stopped = false;
  private done: Promise<void>;

  constructor(server: PgServer, opts: { bypassFence: boolean; rps: number; tag: string }) {
    this.done = this.loop(server, opts);
  }

  private async loop(server: PgServer, o: { bypassFence: boolean; rps: number; tag: string }): Promise<void> {
    let n = 0;
    while (!this.stopped) {
      const c = new pg.Client({
        connectionString: server.url('src'),
        application_name: 'shop-app',
        // the application that gets around the fence sets the default off itself
        ...(o.bypassFence ? { options: '-c default_transaction_read_only=off' } : {}),
      });
      c.on('error', () => undefined);
      try {
        await c.connect();
        while (!this.stopped) {
          await c.query('INSERT INTO app.orders (v) VALUES ($1)', [`${o.tag}${n++}`]);
          this.committed++;
          await new Promise((r) => setTimeout(r, 1000 / o.rps));
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === '25006') this.readOnlyErrors++;
        else if (code !== '57P01' && !/terminat|Connection/i.test(String(e))) this.otherErrors.push(String(e));
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        await c.end().catch(() => undefined);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: switchover fences the source while an application writes`, () => {
    let pair: Pair;
    suiteHooks(version, (p) => (pair = p));

    async function same(): Promise<number> {
      const [a, b] = await Promise.all([checksum(pair.source, 'src', ORDERS, ['id', 'v'], ['id']), checksum(pair.target, 'dst', ORDERS, ['id', 'v'], ['id'])]);
      assert.deepEqual(b, a, 'ordered checksums of production and the DR side are equal');
      return a.rows;
    }
    const readOnlySetting = async () =>
      (await pair.source.query<{ n: number }>('src', `SELECT count(*)::int AS n FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = 'src'`))[0].n;

    it('refuses while changes still arrive after the fence, and then fences a writer and loses nothing', async () => {
      const svc = await import('../../server/services/failover');
      const { fwd, rev } = await reversePair(pair, `CREATE SCHEMA app; CREATE TABLE app.orders (id serial PRIMARY KEY, v text); INSERT INTO app.orders (v) SELECT 'p' || g FROM generate_series(1, 500) g`);

      // 1. an application that gets around the fence: the switchover refuses and undoes itself
      const sneaky = new Writer(pair.source, { bypassFence: true, rps: 400, tag: 's' });
      await waitFor('the writer to write', async () => sneaky.committed > 200, 30_000);
      const t0 = Date.now();
      await assert.rejects(svc.switchover(fwd, { writesStopped: true }), (e: Error) => {
        assert.match(e.message, /(\d+) changes? arrived on the source after the write fence/);
        assert.ok(Number(/(\d+) changes? arrived/.exec(e.message)?.[1]) > 0);
        assert.match(e.message, /the fence is lifted/);
        return true;
      });
      console.log(`refused after ${Date.now() - t0} ms`);
      assert.equal(await readOnlySetting(), 0, 'the fence DTS raised is lifted');
      await waitStatus(fwd, 'Running', 60_000);
      assert.equal((await taskRow(rev))?.status, 'Performing Initial Synchronization', 'the reverse task did not start');
      await sneaky.stop();
      assert.deepEqual(sneaky.otherErrors, []);
      await waitApplied(pair.source, 'src', pair.target, fwd);
      const rows1 = await same();
      assert.equal(rows1, 500 + sneaky.committed, 'every committed row is on the DR side');

      // 2. an ordinary application writing at 400 rows/s while the operator confirms: the fence
      // stops it, and every row it committed reaches the DR side before the reverse task starts
      const app = new Writer(pair.source, { bypassFence: false, rps: 400, tag: 'a' });
      await waitFor('the writer to write', async () => app.committed > 200, 30_000);
      const report = await svc.switchover(fwd, { writesStopped: true });
      assert.deepEqual(report.steps.map((s) => s.step), await switchoverSteps());
      assert.match(report.steps[1].detail, /default_transaction_read_only = on.*1 application session ended/);
      await waitFor('the writer to meet the fence', async () => app.readOnlyErrors > 0, 10_000);
      await app.stop();
      assert.deepEqual(app.otherErrors, []);
      assert.equal(await readOnlySetting(), 1, 'production stays fenced while the DR side takes writes');
      await waitStatus(rev, 'Running', 60_000);
      assert.equal(await same(), rows1 + app.committed, 'nothing the application committed is lost');

      // the DR side takes writes; they reach production through the fence (DTS's sessions write)
      await pair.target.query('dst', `INSERT INTO app.orders (v) SELECT 'dr' FROM generate_series(1, 20)`);
      await waitApplied(pair.target, 'dst', pair.source, rev);
      assert.equal(await same(), rows1 + app.committed + 20);

      // switch back lifts the fence: production takes writes again
      const back = await svc.switchBack(rev);
      assert.deepEqual(back.steps.map((s) => s.step), await switchBackSteps());
      assert.equal(await readOnlySetting(), 0);
      await waitStatus(fwd, 'Running');
      await pair.source.query('src', `INSERT INTO app.orders (v) VALUES ('back')`);
      await waitApplied(pair.source, 'src', pair.target, fwd);
      assert.equal(await same(), rows1 + app.committed + 21);
    });
  });
}

after(async () => {
  await stopMeta();
});
