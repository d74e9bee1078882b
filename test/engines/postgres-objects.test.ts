// Object selection end to end: renamed schema, table and columns, a column subset, a WHERE
// filter that applies to the full load and to incremental changes (rows moving in and out of
// it), per-table DML operations, a Batch Edit rename rule, and the heartbeat latency figure.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checksum, waitFor } from '../helpers/pg';
import { createTask, setDesired, startSuite, stopMeta, waitCaughtUp, waitStatus, type Pair, type Suite } from '../helpers/harness';

describe('PostgreSQL 18: object selection, renames, filters and operations', () => {
  let suite: Suite;
  let pair: Pair;

  before(async () => {
    suite = await startSuite(18);
    pair = suite.pair;
  });

  after(async () => {
    await suite?.stop();
    await stopMeta();
  });

  it('maps names, narrows columns, filters rows and operations in full and incremental sync', async () => {
    await pair.source.query(
      'src',
      `CREATE SCHEMA "Sales Data";
       CREATE TABLE "Sales Data"."Order Items" (id int PRIMARY KEY, "Amount" numeric(10,2), region text NOT NULL, secret text);
       CREATE TABLE "Sales Data".audit (k int PRIMARY KEY, v text);
       CREATE TABLE "Sales Data".docs (id int PRIMARY KEY, status text NOT NULL, body text);
       -- an incompressible body is stored out of line (TOASTed), so an UPDATE that leaves it unchanged does not carry it
       INSERT INTO "Sales Data".docs SELECT g, 'draft', (SELECT string_agg(md5(g::text || '-' || i), '') FROM generate_series(1, 3000) i) FROM generate_series(1, 20) g;
       INSERT INTO "Sales Data"."Order Items" SELECT g, g * 1.5, CASE WHEN g % 3 = 0 THEN 'eu' ELSE 'us' END, 'secret ' || g FROM generate_series(1, 3000) g;
       INSERT INTO "Sales Data".audit SELECT g, 'a' || g FROM generate_series(1, 100) g;`,
    );
    const id = await createTask(pair, 'src', 'dst', {
      objects: {
        schemas: [
          {
            name: 'Sales Data',
            targetName: 'sales',
            tables: [
              { name: 'Order Items', targetName: 'order_items', columns: [{ name: 'id' }, { name: 'Amount', targetName: 'amount' }, { name: 'region' }], where: `region = 'eu'` },
              { name: 'audit', ops: ['insert', 'update'] },
              { name: 'docs', where: `status = 'active'` },
            ],
          },
        ],
        renameRules: [{ level: 'table', match: '^audit$', replace: 'audit_log' }],
      },
    });
    await setDesired(id, 'Running');
    await waitStatus(id, 'Running');

    const cols = await pair.target.query<{ column_name: string }>('dst', `SELECT column_name FROM information_schema.columns WHERE table_schema = 'sales' AND table_name = 'order_items' ORDER BY ordinal_position`);
    assert.deepEqual(cols.map((c) => c.column_name), ['id', 'amount', 'region'], 'renamed columns, secret left out');

    // incremental: rows entering and leaving the filter, deletes, and audit deletes that must not apply
    await pair.source.query(
      'src',
      `INSERT INTO "Sales Data"."Order Items" SELECT g, g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END, 's' FROM generate_series(3001, 3500) g;
       UPDATE "Sales Data"."Order Items" SET region = 'eu' WHERE id BETWEEN 1 AND 50 AND region = 'us';
       UPDATE "Sales Data"."Order Items" SET region = 'us' WHERE id BETWEEN 51 AND 120 AND region = 'eu';
       UPDATE "Sales Data"."Order Items" SET "Amount" = "Amount" + 1 WHERE id % 7 = 0;
       DELETE FROM "Sales Data"."Order Items" WHERE id % 11 = 0;
       INSERT INTO "Sales Data".audit VALUES (101, 'new');
       UPDATE "Sales Data".audit SET v = 'changed' WHERE k <= 10;
       DELETE FROM "Sales Data".audit WHERE k > 90;
       UPDATE "Sales Data".docs SET status = 'active' WHERE id <= 10;`,
    );
    await waitCaughtUp(pair, 'src', id);

    const src = await checksum(pair.source, 'src', { schema: 'Sales Data', name: 'Order Items' }, ['id', 'Amount', 'region'], ['id'], `region = 'eu'`);
    const dst = await checksum(pair.target, 'dst', { schema: 'sales', name: 'order_items' }, ['id', 'amount', 'region'], ['id']);
    assert.ok(src.rows > 1000);
    assert.deepEqual(dst, src, 'target holds exactly the filtered rows and columns');

    const audit = await pair.target.query<{ n: string; changed: string }>('dst', `SELECT count(*)::text AS n, count(*) FILTER (WHERE v = 'changed')::text AS changed FROM sales.audit_log`);
    assert.equal(audit[0].n, '101', 'deletes were not synchronized for audit (ops: insert, update), the insert was');
    assert.equal(audit[0].changed, '10', 'updates were synchronized for audit');

    // rows moved into the filter by an UPDATE that left their large TOASTed body unchanged
    const docs = await pair.target.query<{ n: string; full: string }>('dst', `SELECT count(*)::text AS n, count(*) FILTER (WHERE length(body) = 96000)::text AS full FROM sales.docs`);
    assert.deepEqual(docs[0], { n: '10', full: '10' }, 'rows entering the filter arrive whole');

    // the heartbeat gives a latency figure while the source is idle
    const { db } = await import('../../server/db');
    const sample = await waitFor('a metric sample with latency', async () => db().metricSample.findFirst({ where: { taskId: id, latencyMs: { not: null } }, orderBy: { at: 'desc' } }), 30_000, 500);
    assert.ok(sample.latencyMs !== null && sample.latencyMs < 10_000, `latency ${sample.latencyMs} ms`);
  });
});
