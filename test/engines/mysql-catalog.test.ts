// The MySQL catalog on real MariaDB servers: introspection of every type, keys, indexes, foreign
// keys and AUTO_INCREMENT; schema sync recreating the tables on a second server; WHERE filters
// validated on the server and evaluated over rows (matchFilter) exactly as the server's WHERE.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withConnection } from '../../server/engines/mysql/connect';
import { matchFilter } from '../../server/engines/mysql/filter';
import { introspector } from '../../server/engines/mysql/introspect';
import { schemaSync } from '../../server/engines/mysql/schema';
import type { Catalog, CatalogTable, Row } from '../../server/engines/types';
import { resolveMappings } from '../../server/pipeline/mapping';
import { myChecksum, startMariaDb, type MariaDbServer, NO_MARIADB } from '../helpers/mysql';

const skip = NO_MARIADB;
if (skip) console.log('skipped: no server');

const DDL = `
CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE shop;
CREATE TABLE customers (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  email VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  name VARCHAR(80) NULL DEFAULT 'anon',
  PRIMARY KEY (id), UNIQUE KEY uk_email (email)
) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='people';
CREATE TABLE all_types (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  c_tiny TINYINT, c_small SMALLINT UNSIGNED, c_med MEDIUMINT, c_int INT DEFAULT 5, c_big BIGINT UNSIGNED,
  c_bool BOOLEAN DEFAULT 1, c_dec DECIMAL(20,6) DEFAULT 1.50, c_float FLOAT, c_double DOUBLE, c_bit BIT(10) DEFAULT b'101',
  c_char CHAR(10) CHARACTER SET latin1, c_varchar VARCHAR(255) DEFAULT 'it''s', c_text TEXT, c_mtext MEDIUMTEXT, c_ltext LONGTEXT,
  c_bin BINARY(16), c_varbin VARBINARY(64), c_blob BLOB, c_lblob LONGBLOB,
  c_date DATE DEFAULT '2020-01-01', c_dt DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), c_ts TIMESTAMP(3) NULL DEFAULT NULL,
  c_time TIME(2), c_year YEAR,
  c_enum ENUM('a','b','c''d') NOT NULL DEFAULT 'b', c_set SET('x','y','z'),
  c_json JSON, c_geo POINT, c_uuid UUID, c_inet INET6,
  c_gen INT AS (c_int * 2) VIRTUAL, c_gen2 VARCHAR(20) AS (CONCAT(c_varchar,'x')) STORED,
  KEY idx_dt (c_dt DESC), KEY idx_multi (c_tiny, c_varchar(10)), FULLTEXT KEY ft_text (c_text), UNIQUE KEY uk_nullable (c_med)
) ENGINE=InnoDB;
CREATE TABLE orders (
  order_id INT NOT NULL, line INT NOT NULL, customer_id INT UNSIGNED, total DECIMAL(12,2) NOT NULL,
  PRIMARY KEY (order_id, line),
  CONSTRAINT fk_cust FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE SET NULL ON UPDATE CASCADE
) ENGINE=InnoDB;
CREATE TABLE nokey (a INT, b TEXT) ENGINE=MyISAM;
CREATE TABLE part (id INT NOT NULL, PRIMARY KEY(id)) PARTITION BY HASH(id) PARTITIONS 4;
CREATE VIEW v_orders AS SELECT * FROM orders;
INSERT INTO customers (email) VALUES ('a@x'), ('b@x');
CREATE DATABASE other;
CREATE TABLE other.t (id INT PRIMARY KEY);
`;

function table(cat: Catalog, schema: string, name: string): CatalogTable {
  const t = cat.tables.find((x) => x.schema === schema && x.name === name);
  assert.ok(t, `table ${schema}.${name} in the catalog`);
  return t;
}

/** SHOW CREATE TABLE with the AUTO_INCREMENT counter left out (compared separately) */
async function showCreate(s: MariaDbServer, db: string, t: string): Promise<string> {
  const [r] = await s.query<{ 'Create Table': string }>(`SHOW CREATE TABLE \`${db}\`.\`${t}\``);
  return r['Create Table'].replace(/ AUTO_INCREMENT=\d+/, '');
}

describe('MySQL catalog and schema sync (MariaDB)', { skip }, () => {
  let src: MariaDbServer;
  let dst: MariaDbServer;

  before(async () => {
    src = await startMariaDb();
    dst = await startMariaDb();
    await src.query(DDL);
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
  });

  it('introspects databases, types, keys, indexes, foreign keys and AUTO_INCREMENT', async () => {
    const cat = await introspector.introspect(src.config(''));
    assert.equal(cat.engine, 'mysql');
    assert.match(cat.serverVersion, /MariaDB/);
    assert.deepEqual(cat.schemas, ['other', 'shop'], 'system databases are left out');
    assert.deepEqual(cat.tables.map((t) => `${t.schema}.${t.name}`), ['other.t', 'shop.all_types', 'shop.customers', 'shop.nokey', 'shop.orders', 'shop.part'], 'views are left out');

    const at = table(cat, 'shop', 'all_types');
    const col = (n: string) => {
      const c = at.columns.find((x) => x.name === n);
      assert.ok(c, n);
      return c;
    };
    assert.equal(col('id').identity, 'd');
    assert.deepEqual(col('id').sequence, { schema: 'shop', name: 'all_types' });
    assert.equal(col('c_small').nativeType, 'smallint(5) unsigned');
    assert.equal(col('c_big').neutralType, 'decimal');
    assert.equal(col('c_char').nativeType, 'char(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci');
    assert.equal(col('c_varchar').defaultExpr, "'it''s'");
    assert.equal(col('c_bit').defaultExpr, "b'101'");
    assert.equal(col('c_dt').defaultExpr, 'current_timestamp(6) ON UPDATE current_timestamp(6)');
    assert.equal(col('c_ts').defaultExpr, null);
    assert.equal(col('c_json').nativeType, 'json');
    assert.equal(col('c_json').neutralType, 'json');
    assert.equal(col('c_enum').nativeType, "enum('a','b','c''d') CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    assert.equal(col('c_enum').nullable, false);
    assert.equal(col('c_uuid').neutralType, 'uuid');
    assert.equal(col('c_gen').generatedExpr, '`c_int` * 2 VIRTUAL');
    assert.equal(col('c_gen2').generatedExpr, "concat(`c_varchar`,'x') STORED");
    assert.deepEqual(at.primaryKey, { name: 'PRIMARY', columns: ['id'] });
    assert.deepEqual(at.uniqueKeys, [{ name: 'uk_nullable', columns: ['c_med'], allNotNull: false }]);
    const idx = new Map(at.indexes.map((i) => [i.name, i]));
    assert.equal(idx.get('idx_multi')?.definition, 'CREATE INDEX `idx_multi` ON `shop`.`all_types` (`c_tiny`, `c_varchar`(10))');
    assert.equal(idx.get('idx_dt')?.definition, 'CREATE INDEX `idx_dt` ON `shop`.`all_types` (`c_dt` DESC)');
    assert.equal(idx.get('ft_text')?.definition, 'CREATE FULLTEXT INDEX `ft_text` ON `shop`.`all_types` (`c_text`)');
    assert.equal(idx.get('PRIMARY')?.constraint, true);
    assert.equal(at.replicaIdentity, 'd');

    const cu = table(cat, 'shop', 'customers');
    assert.deepEqual(cu.uniqueKeys, [{ name: 'uk_email', columns: ['email'], allNotNull: true }]);
    assert.equal(cu.tableOptions, "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='people'");
    assert.ok(cu.rowEstimate >= 1 && cu.bytesEstimate > 0, 'estimates from information_schema.TABLES');
    const seq = cat.sequences.find((s) => s.name === 'customers');
    assert.equal(seq?.lastValue, '1001', 'AUTO_INCREMENT 1002 means 1001 was the last value');

    const od = table(cat, 'shop', 'orders');
    assert.deepEqual(od.primaryKey?.columns, ['order_id', 'line']);
    assert.deepEqual(od.foreignKeys, [{
      name: 'fk_cust', columns: ['customer_id'], refSchema: 'shop', refTable: 'customers', refColumns: ['id'],
      definition: 'FOREIGN KEY (`customer_id`) REFERENCES `shop`.`customers` (`id`) ON DELETE SET NULL ON UPDATE CASCADE',
    }]);
    assert.equal(table(cat, 'shop', 'nokey').primaryKey, null);
    assert.equal(table(cat, 'shop', 'part').partitioned, true);

    assert.deepEqual(await introspector.testConnection(src.config('shop')), { ok: true, serverVersion: cat.serverVersion });
    // a destination's database may not exist yet (Schema Synchronization creates it); the
    // precheck names a missing source database (mysql-precheck.test.ts)
    assert.equal((await introspector.testConnection(src.config('nope'))).ok, true);
    assert.equal((await introspector.testConnection(src.config('', 'root', 'bad'))).kind, 'auth');

    const only = await introspector.introspect(src.config(''), { schemas: ['other'] });
    assert.deepEqual(only.tables.map((t) => t.name), ['t']);
  });

  it('schema sync recreates the tables exactly on a second server (idempotent)', async () => {
    const cat = await introspector.introspect(src.config(''));
    const mappings = resolveMappings(cat, { schemas: [{ name: 'shop', targetName: 'shop2', tables: [{ name: 'customers' }, { name: 'all_types' }, { name: 'orders' }, { name: 'part' }] }] });
    const plan = schemaSync.plan(cat, mappings);
    assert.equal(plan.pre[0], 'CREATE DATABASE IF NOT EXISTS `shop2`');
    assert.ok(plan.post.at(-1)?.includes('FOREIGN KEY'), 'foreign keys come last');
    assert.ok(plan.warnings?.some((w) => /without the partitioning/.test(w)));
    const t0 = Date.now();
    await schemaSync.apply(dst.config(''), plan.pre);
    await schemaSync.apply(dst.config(''), plan.post);
    console.log(`schema apply of ${plan.pre.length + plan.post.length} statements: ${Date.now() - t0} ms`);
    // again: every object exists, nothing fails
    await schemaSync.apply(dst.config(''), [...plan.pre, ...plan.post]);
    for (const t of ['customers', 'all_types', 'orders']) {
      assert.equal(await showCreate(dst, 'shop2', t), await showCreate(src, 'shop', t), `SHOW CREATE TABLE ${t}`);
    }
    const [ai] = await dst.query<{ ai: string }>("SELECT AUTO_INCREMENT AS ai FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop2' AND TABLE_NAME = 'customers'");
    assert.equal(String(ai.ai), '1002', 'AUTO_INCREMENT continues after the source');
    // the copy behaves the same: data written on both sides checksums equal
    const rows = "INSERT INTO customers (email, name) VALUES ('c@x', 'Zoë'); INSERT INTO orders VALUES (1, 1, 1002, 9.99), (1, 2, NULL, 0.5)";
    await src.query(rows, [], 'shop');
    await dst.query(rows, [], 'shop2');
    const cols = ['id', 'email', 'name'];
    const mine = await myChecksum(dst, 'shop2', 'customers', cols, ['id'], 'id >= 1002');
    assert.equal(mine.rows, 1);
    assert.deepEqual(mine, await myChecksum(src, 'shop', 'customers', cols, ['id'], 'id >= 1002'), 'same ids, values and collations');
    const ocols = ['order_id', 'line', 'customer_id', 'total'];
    assert.deepEqual(await myChecksum(dst, 'shop2', 'orders', ocols, ['order_id', 'line']), await myChecksum(src, 'shop', 'orders', ocols, ['order_id', 'line']));
    await assert.rejects(dst.query("INSERT INTO orders VALUES (2, 1, 4242, 1)", [], 'shop2'), /foreign key constraint fails/, 'the foreign key exists');
  });

  it('renames columns and tables, leaves out what cannot be carried', async () => {
    const cat = await introspector.introspect(src.config(''));
    const mappings = resolveMappings(cat, {
      schemas: [{ name: 'shop', targetName: 'shop3', tables: [
        { name: 'all_types', targetName: 'types_copy', columns: [{ name: 'id', targetName: 'pk' }, { name: 'c_tiny' }, { name: 'c_varchar', targetName: 'vc' }, { name: 'c_med' }, { name: 'c_dt' }] },
        { name: 'orders', columns: [{ name: 'order_id' }, { name: 'line' }, { name: 'customer_id' }] },
      ] }],
    });
    const plan = schemaSync.plan(cat, mappings);
    const w = plan.warnings ?? [];
    assert.ok(w.some((x) => /Foreign key `fk_cust`.*not selected/.test(x)), w.join('\n'));
    assert.ok(w.some((x) => /Generated column `c_gen`.*not selected/.test(x)), 'c_gen needs c_int');
    assert.ok(w.some((x) => /Index `ft_text`.*not selected/.test(x)));
    await schemaSync.apply(dst.config(''), [...plan.pre, ...plan.post]);
    const cols = await dst.query<{ n: string }>("SELECT COLUMN_NAME AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop3' AND TABLE_NAME = 'types_copy' ORDER BY ORDINAL_POSITION");
    assert.deepEqual(cols.map((c) => c.n), ['pk', 'c_tiny', 'c_med', 'vc', 'c_dt', 'c_gen2']);
    const idx = await dst.query<{ n: string; c: string; s: string | null }>("SELECT INDEX_NAME AS n, COLUMN_NAME AS c, SUB_PART AS s FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'shop3' AND TABLE_NAME = 'types_copy' ORDER BY INDEX_NAME, SEQ_IN_INDEX");
    assert.deepEqual(idx.map((i) => `${i.n}:${i.c}${i.s ? `(${i.s})` : ''}`), ['idx_dt:c_dt', 'idx_multi:c_tiny', 'idx_multi:vc(10)', 'PRIMARY:pk', 'uk_nullable:c_med']);
    const [g] = await dst.query<{ e: string }>("SELECT GENERATION_EXPRESSION AS e FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop3' AND TABLE_NAME = 'types_copy' AND COLUMN_NAME = 'c_gen2'");
    assert.equal(g.e, "concat(`vc`,'x')");
  });

  it('validates filters on the server', async () => {
    const t = { schema: 'shop', name: 'orders' };
    await introspector.validateFilter(src.config(''), t, "total > 1 AND customer_id IN (1, 2) AND 'a?' <> 'b'");
    await assert.rejects(introspector.validateFilter(src.config(''), t, 'nope > 1'), (e: { code?: string; field?: string; message?: string }) => {
      assert.equal(e.code, 'BAD_REQUEST');
      assert.equal(e.field, 'objects.where');
      assert.match(e.message ?? '', /Unknown column 'nope'/);
      return true;
    });
    await assert.rejects(introspector.validateFilter(src.config(''), t, 'total >'), /not valid/);
    await assert.rejects(introspector.validateFilter(src.config(''), t, 'total > (SELECT 1)'), /SELECT is not allowed/);
  });

  it('matchFilter agrees with the WHERE of the source table, for every kind of column', async () => {
    await src.query(`
      CREATE TABLE shop.f (
        id INT PRIMARY KEY, name VARCHAR(20) COLLATE utf8mb4_general_ci, code VARCHAR(20) COLLATE utf8mb4_bin, l1 CHAR(5) CHARACTER SET latin1,
        fl FLOAT, db DOUBLE, dc DECIMAL(10,3), big BIGINT UNSIGNED, dt DATETIME(6), ts TIMESTAMP(3) NULL, d DATE, tm TIME(2), y YEAR,
        b BIT(8), bin VARBINARY(8), e ENUM('low','mid','high'), s SET('x','y'), j JSON, u UUID);
      INSERT INTO shop.f VALUES
        (1, 'Alice', 'Alice', 'abc', 1.1, 1.1, 10.125, 18446744073709551615, '2024-01-01 10:00:00.123456', '2024-01-01 00:00:00.5', '2024-01-01', '10:00:00.25', 2024, b'00000101', X'00ff', 'mid', 'x,y', '{"a": 1}', '6ccd780c-baba-1026-9564-5b8c656024db'),
        (2, 'ALICE', 'alice', 'ABC', 2.5, 2.5, -1.000, 1, '2023-12-31 23:59:59.999999', NULL, '2023-06-30', '-01:00:00', 1999, b'11111111', X'0100', 'low', '', '{"a": 2}', NULL),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (4, 'bob', 'bob''s', 'é', 0, 1e300, 0.001, 9223372036854775808, '2024-01-01 10:00:00.123457', '1970-01-01 00:00:01', '0000-00-00', '838:59:59', 0, b'0', X'', 'high', 'y', '[1, 2]', '00000000-0000-0000-0000-000000000000');
    `);
    const cat = await introspector.introspect(src.config(''), { schemas: ['shop'] });
    const conditions = [
      "name = 'alice'", "code = 'alice'", "l1 = 'abc'", 'fl = 1.1', 'db = 1.1', 'dc > 0.5', 'big > 9223372036854775807',
      "dt >= '2024-01-01 10:00:00.123457'", "ts < '2024-01-01'", "d BETWEEN '2023-01-01' AND '2023-12-31'", "tm < '00:00:00'", 'y = 2024',
      'b = 5', "bin = X'00ff'", "HEX(bin) LIKE '01%'", "e = 'mid'", "FIND_IN_SET('y', s) > 0", "JSON_EXTRACT(j, '$.a') = 2",
      "u = '6ccd780c-baba-1026-9564-5b8c656024db'", 'name IS NULL', "COALESCE(`Name`, 'none') LIKE 'a%'", "code = 'bob''s' OR id = 1",
      "CAST(dc AS SIGNED) = -1", "DATE_ADD(d, INTERVAL 1 DAY) = '2024-01-02'", "LOWER(name) = 'bob' AND l1 = 'é'",
    ];
    const mappingsOf = (where: string) => resolveMappings(cat, { schemas: [{ name: 'shop', tables: [{ name: 'f', where }] }] })[0];
    await withConnection(src.config(''), async (c) => {
      const all = (await c.query('SELECT * FROM shop.f ORDER BY id'))[0] as Row[];
      assert.equal(all.length, 4);
      // VARBINARY as canonical hex (connect()'s typeCast cannot see the binary charset with mysql2 3.x)
      const hex = (await c.query('SELECT LOWER(HEX(bin)) AS h FROM shop.f ORDER BY id'))[0] as { h: string | null }[];
      all.forEach((r, i) => (r.bin = hex[i].h));
      for (const where of conditions) {
        const expected = ((await c.query(`SELECT id FROM shop.f WHERE ${where} ORDER BY id`))[0] as { id: string }[]).map((r) => r.id);
        const got = await matchFilter(c, mappingsOf(where), all);
        assert.deepEqual(all.filter((_, i) => got[i]).map((r) => r.id), expected, `matchFilter(${where})`);
      }
      // many rows in one call (several round trips), timed
      const many: Row[] = [];
      for (let i = 0; i < 5000; i++) many.push({ ...all[i % 4], id: String(i) });
      const t0 = Date.now();
      const got = await matchFilter(c, mappingsOf("name = 'alice' AND dc > 0"), many);
      console.log(`matchFilter over 5000 rows: ${Date.now() - t0} ms`);
      assert.equal(got.filter(Boolean).length, 1250);
    });
  });
});
