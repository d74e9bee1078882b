// The PostgreSQL precheck on real servers: every failure produces its item, with a cause and a
// fix, and a well-prepared pair passes everything.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { introspector } from '../../server/engines/postgres/introspect';
import { prechecker } from '../../server/engines/postgres/precheck';
import type { ConnectionConfig, PrecheckInput } from '../../server/engines/types';
import { resolveMappings, type SelectionInput } from '../../server/pipeline/mapping';
import { freePort, startPgServer, testVersions, type PgServer } from '../helpers/pg';
import { collectPrecheck, precheckItem } from '../helpers/precheck';

let dbCounter = 0;

const collect = (input: PrecheckInput) => collectPrecheck(prechecker, input);
const item = precheckItem;

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: precheck`, () => {
    let server: PgServer;

    before(async () => {
      server = await startPgServer(version);
      await server.query('postgres', `CREATE ROLE plain LOGIN PASSWORD 'plain-pw'`);
    });
    after(async () => server?.stop());

    /** a fresh source and target database; the source gets `ddl` */
    async function pair(ddl: string): Promise<{ source: ConnectionConfig; target: ConnectionConfig }> {
      const n = ++dbCounter;
      await server.createDatabase(`src${n}`);
      await server.createDatabase(`dst${n}`);
      if (ddl) await server.query(`src${n}`, ddl);
      return { source: server.config(`src${n}`), target: server.config(`dst${n}`) };
    }

    async function input(p: { source: ConnectionConfig; target: ConnectionConfig }, selection: SelectionInput, extra: Partial<PrecheckInput> = {}): Promise<PrecheckInput> {
      const catalog = await introspector.introspect(p.source);
      return {
        source: p.source,
        target: p.target,
        taskId: 'task1',
        mappings: resolveMappings(catalog, selection),
        syncTypes: { schema: true, full: true, incremental: true },
        conflictingTables: 'PrecheckAndReportErrors',
        ...extra,
      };
    }

    it('passes every item for a well-prepared pair', async () => {
      const p = await pair('CREATE TABLE orders (id int PRIMARY KEY, total numeric); CREATE TABLE "Mixed Case" (k text PRIMARY KEY)');
      const items = await collect(await input(p, { schemas: [{ name: 'public', tables: [{ name: 'orders', where: 'total > 0' }, { name: 'Mixed Case' }] }] }));
      assert.deepEqual([...items.keys()], [
        'source.connectivity', 'target.connectivity', 'source.version', 'target.version', 'source.wal_level', 'source.replication_slots',
        'source.wal_senders', 'source.replication_privilege', 'source.select_privilege', 'source.publication_privilege', 'source.primary_key', 'source.sequences',
        'source.long_transactions', 'source.wal_retention', 'source.filters', 'source.helper_objects', 'target.create_privilege', 'target.write_privilege',
        'target.conflicting_tables', 'target.session_replication_role', 'target.same_database', 'target.helper_objects',
      ]);
      for (const it of items.values()) assert.equal(it.result, 'pass', `${it.key}: ${it.cause ?? ''}`);
      assert.equal(item(items, 'source.connectivity').name, 'Source Database Connectivity');
      assert.equal(item(items, 'source.wal_level').name, 'Check the wal_level of the source database');
      assert.match(item(items, 'source.wal_retention').cause ?? '', /max_slot_wal_keep_size is -1/);
    });

    it('reports a wrong password and skips the items that need that side', async () => {
      const p = await pair('CREATE TABLE t (id int PRIMARY KEY)');
      const inp = await input(p, { schemas: [{ name: 'public' }] });
      const items = await collect({ ...inp, source: { ...p.source, password: 'wrong' } });
      const conn = item(items, 'source.connectivity');
      assert.equal(conn.result, 'fail');
      assert.match(conn.cause ?? '', /Password authentication failed for user "postgres"/);
      assert.match(conn.fix ?? '', /Database Password/);
      const wal = item(items, 'source.wal_level');
      assert.equal(wal.result, 'fail');
      assert.match(wal.cause ?? '', /Skipped: the source database could not be connected \(the password was not accepted\)/);
      assert.equal(item(items, 'target.conflicting_tables').result, 'pass', 'target items still run');
      assert.equal(item(items, 'target.same_database').result, 'fail', 'needs both sides');
    });

    it('reports an unreachable destination', async () => {
      const p = await pair('CREATE TABLE t (id int PRIMARY KEY)');
      const inp = await input(p, { schemas: [{ name: 'public' }] });
      const items = await collect({ ...inp, target: { ...p.target, port: await freePort(), connectTimeoutMs: 2000 } });
      const conn = item(items, 'target.connectivity');
      assert.equal(conn.result, 'fail');
      assert.match(conn.cause ?? '', /Cannot reach 127\.0\.0\.1:\d+/);
      assert.match(item(items, 'target.conflicting_tables').cause ?? '', /Skipped: the destination database could not be connected/);
      assert.equal(item(items, 'source.wal_level').result, 'pass');
    });

    it('fails tables without a key for incremental sync, warns for REPLICA IDENTITY FULL and for full-only sync', async () => {
      const p = await pair(`CREATE TABLE nokey (a int, b text); CREATE TABLE full_ident (a int); ALTER TABLE full_ident REPLICA IDENTITY FULL;
        CREATE TABLE uk_only (a int NOT NULL UNIQUE, b text)`);
      const nokey = item(await collect(await input(p, { schemas: [{ name: 'public', tables: [{ name: 'nokey' }] }] })), 'source.primary_key');
      assert.equal(nokey.result, 'fail');
      assert.match(nokey.cause ?? '', /"public"."nokey" has neither a primary key nor a NOT NULL unique key/);
      assert.match(nokey.fix ?? '', /ALTER TABLE "public"."nokey" REPLICA IDENTITY FULL;/);
      const full = item(await collect(await input(p, { schemas: [{ name: 'public', tables: [{ name: 'full_ident' }] }] })), 'source.primary_key');
      assert.equal(full.result, 'warn');
      assert.match(full.cause ?? '', /REPLICA IDENTITY FULL is set/);
      const uk = item(await collect(await input(p, { schemas: [{ name: 'public', tables: [{ name: 'uk_only' }] }] })), 'source.primary_key');
      assert.equal(uk.result, 'fail');
      assert.match(uk.fix ?? '', /REPLICA IDENTITY USING INDEX "uk_only_a_key"/);
      const fullOnly = await collect(await input(p, { schemas: [{ name: 'public', tables: [{ name: 'nokey' }] }] }, { syncTypes: { schema: true, full: true, incremental: false } }));
      assert.equal(item(fullOnly, 'source.primary_key').result, 'warn');
      assert.equal(fullOnly.has('source.wal_level'), false, 'incremental items are left out');
    });

    it('handles existing destination tables per Processing Mode of Conflicting Tables', async () => {
      const p = await pair('CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY)');
      await server.query(p.target.database, 'CREATE TABLE a (id int); CREATE TABLE b (id int)');
      const selection: SelectionInput = { schemas: [{ name: 'public' }] };
      const strict = item(await collect(await input(p, selection)), 'target.conflicting_tables');
      assert.equal(strict.result, 'fail');
      assert.match(strict.cause ?? '', /already has tables with the same names: "public"."a", "public"."b"/);
      assert.match(strict.fix ?? '', /object name mapping/);
      const lax = item(await collect(await input(p, selection, { conflictingTables: 'IgnoreErrorsAndProceed' })), 'target.conflicting_tables');
      assert.equal(lax.result, 'warn');
      const ignored = item(await collect(await input(p, selection, { ignoreExistingTargets: [{ schema: 'public', name: 'a' }, { schema: 'public', name: 'b' }] })), 'target.conflicting_tables');
      assert.equal(ignored.result, 'pass');
      const renamed = item(await collect(await input(p, { schemas: [{ name: 'public', targetName: 'other' }] })), 'target.conflicting_tables');
      assert.equal(renamed.result, 'pass');
    });

    it('reports an account without replication, SELECT or ownership on the source, and without write access on the destination', async () => {
      const p = await pair('CREATE TABLE secret (id int PRIMARY KEY)');
      await server.query(p.target.database, 'CREATE TABLE secret (id int PRIMARY KEY)');
      const plainSource = { ...p.source, user: 'plain', password: 'plain-pw' };
      const plainTarget = { ...p.target, user: 'plain', password: 'plain-pw' };
      const inp = await input(p, { schemas: [{ name: 'public' }] }, { conflictingTables: 'IgnoreErrorsAndProceed' });
      const items = await collect({ ...inp, source: plainSource, target: plainTarget });
      const repl = item(items, 'source.replication_privilege');
      assert.equal(repl.result, 'fail');
      assert.match(repl.fix ?? '', /ALTER ROLE "plain" REPLICATION;/);
      const sel = item(items, 'source.select_privilege');
      assert.equal(sel.result, 'fail');
      assert.match(sel.cause ?? '', /may not read: "public"."secret"/);
      assert.match(sel.fix ?? '', /GRANT SELECT ON "public"."secret" TO "plain";/);
      const pub = item(items, 'source.publication_privilege');
      assert.equal(pub.result, 'fail');
      assert.match(pub.cause ?? '', /does not own: "public"."secret"/);
      const write = item(items, 'target.write_privilege');
      assert.equal(write.result, 'fail');
      assert.match(write.fix ?? '', /GRANT INSERT, UPDATE, DELETE, TRUNCATE ON "public"."secret" TO "plain";/);
      assert.equal(item(items, 'target.session_replication_role').result, 'warn');
      // since PostgreSQL 15, PUBLIC has no CREATE on schema public
      const create = item(items, 'target.create_privilege');
      assert.equal(create.result, 'fail');
      assert.match(create.fix ?? '', /GRANT USAGE, CREATE ON SCHEMA "public" TO "plain";/);
      // after the grants the same items pass
      await server.query(p.source.database, 'GRANT SELECT ON secret TO plain');
      await server.query('postgres', 'ALTER ROLE plain REPLICATION');
      try {
        const again = await collect({ ...inp, source: plainSource, target: plainTarget });
        assert.equal(item(again, 'source.select_privilege').result, 'pass');
        assert.equal(item(again, 'source.replication_privilege').result, 'pass');
      } finally {
        await server.query('postgres', 'ALTER ROLE plain NOREPLICATION');
      }
    });

    it('warns about long-running transactions on the source', async () => {
      const p = await pair('CREATE TABLE t (id int PRIMARY KEY)');
      const holder = new pg.Client({ connectionString: server.url(p.source.database) });
      await holder.connect();
      const saved = process.env.DTS_LONG_TXN_SECONDS;
      process.env.DTS_LONG_TXN_SECONDS = '1';
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT txid_current()');
        const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        await new Promise((r) => setTimeout(r, 1500));
        const long = item(await collect(await input(p, { schemas: [{ name: 'public' }] })), 'source.long_transactions');
        assert.equal(long.result, 'warn');
        assert.match(long.cause ?? '', new RegExp(`pid ${pid} \\(postgres on ${p.source.database}`));
        assert.match(long.fix ?? '', new RegExp(`pg_terminate_backend\\(${pid}\\)`));
      } finally {
        if (saved === undefined) delete process.env.DTS_LONG_TXN_SECONDS;
        else process.env.DTS_LONG_TXN_SECONDS = saved;
        await holder.end();
      }
    });

    it('fails a bad WHERE condition with the database message', async () => {
      const p = await pair('CREATE TABLE t (id int PRIMARY KEY)');
      const items = await collect(await input(p, { schemas: [{ name: 'public', tables: [{ name: 't', where: 'nope = 1' }] }] }));
      const f = item(items, 'source.filters');
      assert.equal(f.result, 'fail');
      assert.match(f.cause ?? '', /"public"."t" is not valid: column "nope" does not exist/);
    });

    it('warns when the destination is the source database', async () => {
      const p = await pair('CREATE TABLE t (id int PRIMARY KEY)');
      const items = await collect(await input({ source: p.source, target: p.source }, { schemas: [{ name: 'public', targetName: 'copy' }] }));
      assert.equal(item(items, 'target.same_database').result, 'warn');
    });
  });
}

describe('precheck against a server with wal_level = replica', () => {
  let server: PgServer;
  before(async () => {
    server = await startPgServer(18, { wal_level: 'replica' });
  });
  after(async () => server?.stop());

  it('fails the wal_level item with the fix', async () => {
    await server.createDatabase('src');
    await server.createDatabase('dst');
    await server.query('src', 'CREATE TABLE t (id int PRIMARY KEY)');
    const catalog = await introspector.introspect(server.config('src'));
    const items = await collect({
      source: server.config('src'), target: server.config('dst'), taskId: 'w1', mappings: resolveMappings(catalog, { schemas: [{ name: 'public' }] }),
      syncTypes: { schema: true, full: true, incremental: true }, conflictingTables: 'PrecheckAndReportErrors',
    });
    const wal = item(items, 'source.wal_level');
    assert.equal(wal.result, 'fail');
    assert.match(wal.cause ?? '', /wal_level is "replica"/);
    assert.match(wal.fix ?? '', /ALTER SYSTEM SET wal_level = 'logical'/);
  });
});

describe('precheck against a server with no free replication slot or WAL sender, and a WAL cap', () => {
  let server: PgServer;
  before(async () => {
    server = await startPgServer(18, { max_replication_slots: 1, max_wal_senders: 0, max_slot_wal_keep_size: '64MB' });
  });
  after(async () => server?.stop());

  it('fails the slot and WAL sender items and warns about WAL retention, each with the fix', async () => {
    await server.createDatabase('src');
    await server.createDatabase('dst');
    await server.query('src', 'CREATE TABLE t (id int PRIMARY KEY)');
    // another tool's slot takes the only one
    await server.query('src', `SELECT pg_create_logical_replication_slot('someone_else', 'pgoutput')`);
    const catalog = await introspector.introspect(server.config('src'));
    const items = await collect({
      source: server.config('src'), target: server.config('dst'), taskId: 's1', mappings: resolveMappings(catalog, { schemas: [{ name: 'public' }] }),
      syncTypes: { schema: true, full: true, incremental: true }, conflictingTables: 'PrecheckAndReportErrors',
    });
    const slots = item(items, 'source.replication_slots');
    assert.equal(slots.result, 'fail');
    assert.match(slots.cause ?? '', /max_replication_slots is 1 and 1 slots exist/);
    assert.match(slots.fix ?? '', /max_replication_slots/);
    const senders = item(items, 'source.wal_senders');
    assert.equal(senders.result, 'fail');
    assert.match(senders.cause ?? '', /max_wal_senders is 0/);
    assert.match(senders.fix ?? '', /max_wal_senders/);
    const wal = item(items, 'source.wal_retention');
    assert.equal(wal.result, 'warn');
    assert.match(wal.cause ?? '', /max_slot_wal_keep_size is 64MB/);
  });
});
