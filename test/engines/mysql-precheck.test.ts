// The MySQL precheck on real MariaDB servers: every failure produces its item, with a cause and a
// fix, and a well-prepared pair passes everything.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { introspector } from '../../server/engines/mysql/introspect';
import { prechecker } from '../../server/engines/mysql/precheck';
import type { ConnectionConfig, PrecheckInput } from '../../server/engines/types';
import { resolveMappings, type SelectionInput } from '../../server/pipeline/mapping';
import { startMariaDb, type MariaDbServer, NO_MARIADB } from '../helpers/mysql';
import { collectPrecheck, precheckItem } from '../helpers/precheck';

const skip = NO_MARIADB;
if (skip) console.log('skipped: no server');

const collect = (input: PrecheckInput) => collectPrecheck(prechecker, input);
const item = precheckItem;

const SOURCE_DDL = `
  CREATE DATABASE app;
  CREATE TABLE app.orders (id INT PRIMARY KEY, total DECIMAL(10,2));
  CREATE TABLE app.\`Mixed Case\` (k VARCHAR(10) NOT NULL, UNIQUE KEY uk (k));
  CREATE TABLE app.nokey (a INT, b INT);
  CREATE TABLE app.nullable_uk (a INT, UNIQUE KEY (a));
`;

describe('MySQL precheck (MariaDB)', { skip }, () => {
  let src: MariaDbServer;
  let dst: MariaDbServer;
  let nobin: MariaDbServer;
  let stmt: MariaDbServer;

  before(async () => {
    // one after another: each is stopped in after() even when a later one fails to start
    src = await startMariaDb();
    dst = await startMariaDb();
    nobin = await startMariaDb({ 'log-bin': null });
    stmt = await startMariaDb({ 'binlog-format': 'STATEMENT' });
    for (const s of [src, nobin, stmt]) await s.query(SOURCE_DDL);
    await src.query(`
      CREATE USER 'norepl'@'%' IDENTIFIED BY 'pw'; GRANT SELECT, REPLICATION CLIENT ON *.* TO 'norepl'@'%';
      CREATE USER 'repl'@'%' IDENTIFIED BY 'pw'; GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'repl'@'%'; GRANT SELECT ON app.orders TO 'repl'@'%';
      INSTALL SONAME 'auth_ed25519'; CREATE USER 'ed'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('pw'); GRANT ALL ON *.* TO 'ed'@'%';
    `);
    await dst.query(`CREATE USER 'weak'@'%' IDENTIFIED BY 'pw'; GRANT SELECT, INSERT ON app.* TO 'weak'@'%'`);
  });
  after(async () => {
    await Promise.all([src, dst, nobin, stmt].map((s) => s?.stop()));
  });

  async function input(source: ConnectionConfig, selection: SelectionInput, extra: Partial<PrecheckInput> = {}): Promise<PrecheckInput> {
    const catalog = await introspector.introspect(source);
    return {
      source,
      target: dst.config(''),
      taskId: 'task1',
      mappings: resolveMappings(catalog, selection),
      syncTypes: { schema: true, full: true, incremental: true },
      conflictingTables: 'PrecheckAndReportErrors',
      ...extra,
    };
  }
  const keyed = { schemas: [{ name: 'app', tables: [{ name: 'orders', where: "total > 0 AND 'x?' <> ''" }, { name: 'Mixed Case' }] }] };

  it('passes every item for a well-prepared pair', async () => {
    const t0 = Date.now();
    const items = await collect(await input(src.config(''), keyed));
    console.log(`precheck of a good pair: ${Date.now() - t0} ms`);
    assert.deepEqual([...items.keys()], [
      'source.connectivity', 'target.connectivity', 'source.version', 'target.version', 'source.log_bin', 'source.binlog_format',
      'source.binlog_row_image', 'source.binlog_retention', 'source.replication_privilege', 'source.select_privilege',
      'source.heartbeat_privilege', 'source.primary_key', 'source.storage_engine', 'source.filters', 'source.helper_objects', 'target.create_privilege',
      'target.write_privilege', 'target.checkpoint_privilege', 'target.conflicting_tables', 'target.same_database', 'target.foreign_key_cascades', 'target.triggers', 'target.helper_objects',
    ]);
    for (const it of items.values()) assert.equal(it.result, 'pass', `${it.key}: ${it.cause ?? ''}`);
    assert.equal(item(items, 'source.connectivity').name, 'Source Database Connectivity');
    assert.match(item(items, 'source.binlog_retention').cause ?? '', /never purged/);
  });

  it('fails when binary logging is off', async () => {
    const items = await collect(await input(nobin.config(''), keyed));
    const it = item(items, 'source.log_bin');
    assert.equal(it.result, 'fail');
    assert.match(it.cause ?? '', /Binary logging is off/);
    assert.match(it.fix ?? '', /log_bin/);
  });

  it('fails when binlog_format is STATEMENT', async () => {
    const items = await collect(await input(stmt.config(''), keyed));
    const it = item(items, 'source.binlog_format');
    assert.equal(it.result, 'fail');
    assert.match(it.cause ?? '', /binlog_format is STATEMENT/);
    assert.match(it.fix ?? '', /SET GLOBAL binlog_format = 'ROW'/);
    assert.equal(item(items, 'source.log_bin').result, 'pass');
  });

  it('warns when binary logs are purged sooner than the retry window allows', async () => {
    await src.query('SET GLOBAL expire_logs_days = 1');
    try {
      const items = await collect(await input(src.config(''), keyed));
      const it = item(items, 'source.binlog_retention');
      assert.equal(it.result, 'warn');
      assert.match(it.cause ?? '', /kept for 1 days/);
      assert.match(it.fix ?? '', /binlog_expire_logs_seconds = 604800/);
      const incrOnly = await collect(await input(src.config(''), keyed, { syncTypes: { schema: false, full: false, incremental: true } }));
      assert.equal(item(incrOnly, 'source.binlog_retention').result, 'pass', 'one day covers an incremental-only task');
      // a retry window of two days is longer than the logs are kept
      const longRetry = await collect(await input(src.config(''), keyed, { syncTypes: { schema: false, full: false, incremental: true }, retryWindowMinutes: 2880 }));
      assert.equal(item(longRetry, 'source.binlog_retention').result, 'warn');
      assert.match(item(longRetry, 'source.binlog_retention').cause ?? '', /Retry Time for Failed Connections is 2 days/);
    } finally {
      await src.query('SET GLOBAL expire_logs_days = 0');
    }
  });

  it('fails an account without REPLICATION SLAVE, and one that may not read a table', async () => {
    let items = await collect(await input(src.config('', 'norepl', 'pw'), keyed));
    let it = item(items, 'source.replication_privilege');
    assert.equal(it.result, 'fail');
    assert.match(it.cause ?? '', /lacks REPLICATION SLAVE on \*\.\*/);
    assert.match(it.fix ?? '', /GRANT REPLICATION SLAVE ON \*\.\* TO 'norepl'@'%';/);
    assert.equal(item(items, 'source.select_privilege').result, 'pass');

    // BINLOG MONITOR is MariaDB's name for REPLICATION CLIENT; SELECT on one table only
    const catalogAsRoot = await introspector.introspect(src.config(''));
    items = await collect({ ...(await input(src.config(''), keyed)), source: src.config('', 'repl', 'pw'), mappings: resolveMappings(catalogAsRoot, keyed) });
    assert.equal(item(items, 'source.replication_privilege').result, 'pass');
    it = item(items, 'source.select_privilege');
    assert.equal(it.result, 'fail');
    assert.match(it.cause ?? '', /may not read: `app`.`Mixed Case`/);
    assert.match(it.fix ?? '', /GRANT SELECT ON `app`\.\* TO 'repl'@'%';/);
    assert.equal(item(items, 'source.heartbeat_privilege').result, 'warn');
  });

  it('fails tables without a key for incremental, warns for full only', async () => {
    const sel = { schemas: [{ name: 'app', tables: [{ name: 'orders' }, { name: 'nokey' }, { name: 'nullable_uk' }] }] };
    let items = await collect(await input(src.config(''), sel));
    let it = item(items, 'source.primary_key');
    assert.equal(it.result, 'fail');
    assert.match(it.cause ?? '', /`app`.`nokey` has neither a primary key nor a NOT NULL unique key, `app`.`nullable_uk` has neither/);
    assert.doesNotMatch(it.cause ?? '', /`app`.`orders`/);
    assert.match(it.fix ?? '', /ALTER TABLE `app`.`nokey` ADD PRIMARY KEY/);
    items = await collect(await input(src.config(''), sel, { syncTypes: { schema: true, full: true, incremental: false } }));
    it = item(items, 'source.primary_key');
    assert.equal(it.result, 'warn');
    assert.ok(!items.has('source.log_bin'), 'binlog checks only run for incremental');
    items = await collect(await input(src.config(''), sel, { syncTypes: { schema: true, full: true, incremental: false }, topology: 'TwoWay' }));
    assert.equal(item(items, 'source.primary_key').result, 'fail', 'two-way needs keys even without incremental');
  });

  it('names an unsupported authentication plugin and skips the source items', async () => {
    const inp = await input(src.config(''), keyed);
    const items = await collect({ ...inp, source: src.config('', 'ed', 'pw') });
    const conn = item(items, 'source.connectivity');
    assert.equal(conn.result, 'fail');
    assert.match(conn.cause ?? '', /authentication plugin DTS does not support.*client_ed25519/);
    assert.match(conn.fix ?? '', /mysql_native_password/);
    const skipped = item(items, 'source.log_bin');
    assert.equal(skipped.result, 'fail');
    assert.match(skipped.cause ?? '', /^Skipped: the source database could not be connected \(its authentication plugin is not supported\)/);
    assert.equal(item(items, 'target.connectivity').result, 'pass');
    assert.equal(item(items, 'target.write_privilege').result, 'pass');

    const wrong = await collect({ ...inp, source: src.config('', 'root', 'wrong') });
    assert.match(item(wrong, 'source.connectivity').cause ?? '', /Access denied for user "root"/);
    const gone = await collect({ ...inp, source: { ...src.config(''), database: 'nope' } });
    assert.match(item(gone, 'source.connectivity').cause ?? '', /Database "nope" does not exist/);
  });

  it('reports conflicting tables per the processing mode, and a weak destination account', async () => {
    await dst.query('CREATE DATABASE IF NOT EXISTS app; CREATE TABLE IF NOT EXISTS app.orders (id INT PRIMARY KEY)');
    try {
      const inp = await input(src.config(''), keyed);
      let it = item(await collect(inp), 'target.conflicting_tables');
      assert.equal(it.result, 'fail');
      assert.match(it.cause ?? '', /same names: `app`.`orders`/);
      it = item(await collect({ ...inp, conflictingTables: 'IgnoreErrorsAndProceed' }), 'target.conflicting_tables');
      assert.equal(it.result, 'warn');
      it = item(await collect({ ...inp, ignoreExistingTargets: [{ schema: 'app', name: 'orders' }] }), 'target.conflicting_tables');
      assert.equal(it.result, 'pass');

      const weak = await collect({ ...inp, target: dst.config('', 'weak', 'pw') });
      it = item(weak, 'target.write_privilege');
      assert.equal(it.result, 'fail');
      assert.match(it.cause ?? '', /`app`.`orders` \(missing UPDATE, DELETE, DROP\)/);
      assert.match(it.fix ?? '', /GRANT UPDATE, DELETE, DROP ON `app`\.\* TO 'weak'@'%';/);
      assert.equal(item(weak, 'target.create_privilege').result, 'fail');
      assert.match(item(weak, 'target.checkpoint_privilege').fix ?? '', /ON `dts`\.\*/);
      const noSchema = await collect({ ...inp, target: dst.config('', 'weak', 'pw'), syncTypes: { schema: false, full: true, incremental: true } });
      it = item(noSchema, 'target.tables_exist');
      assert.equal(it.result, 'fail');
      assert.match(it.cause ?? '', /`app`.`Mixed Case`/);
      assert.doesNotMatch(it.cause ?? '', /`app`.`orders`/);
    } finally {
      await dst.query('DROP DATABASE app');
    }
  });

  it('fails a bad WHERE condition and warns when a table is written into itself', async () => {
    const inp = await input(src.config(''), { schemas: [{ name: 'app', tables: [{ name: 'orders', where: 'missing_col > 1' }] }] });
    const items = await collect({ ...inp, target: src.config('') });
    const f = item(items, 'source.filters');
    assert.equal(f.result, 'fail');
    assert.match(f.cause ?? '', /Unknown column 'missing_col'/);
    assert.equal(item(items, 'target.same_database').result, 'warn');
  });
});
