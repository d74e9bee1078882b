// Foreign keys read by a source account with the README's grants (SELECT on the synchronized
// database), on real MariaDB servers. MariaDB hides information_schema.REFERENTIAL_CONSTRAINTS
// from such an account, and every foreign key used to be left out silently. The keys are created
// on the destination with their ON DELETE and ON UPDATE actions, and one that cannot be created
// is named in a warning event.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { introspector } from '../../server/engines/mysql/introspect';
import { parseForeignKeys } from '../../server/engines/mysql/foreign-keys';
import { setDesired, stopMeta, taskRow } from '../helpers/harness';
import type { MariaDbServer } from '../helpers/mysql';
import { createMyTask, mySuiteHooks, NO_MARIADB, sameTable, waitMyApplied, type MySuite } from '../helpers/mysql-harness';
import { waitFor } from '../helpers/pg';

const DDL = `
CREATE DATABASE ref; CREATE TABLE ref.countries (code CHAR(2) PRIMARY KEY);
CREATE DATABASE shop;
CREATE TABLE shop.customers (id INT PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE, country CHAR(2),
  CONSTRAINT fk_country FOREIGN KEY (country) REFERENCES ref.countries (code)) COMMENT 'CONSTRAINT \`fake\` FOREIGN KEY (\`id\`) REFERENCES \`x\` (\`id\`), (';
CREATE TABLE shop.products (region CHAR(2) NOT NULL, code INT NOT NULL, name VARCHAR(40) DEFAULT 'it''s, (a)', PRIMARY KEY (region, code));
CREATE TABLE shop.orders (id INT PRIMARY KEY, customer_id INT, email VARCHAR(80),
  CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_email FOREIGN KEY (email) REFERENCES customers (email) ON UPDATE SET NULL);
CREATE TABLE shop.lines (order_id INT NOT NULL, n INT NOT NULL, region CHAR(2), product INT, PRIMARY KEY (order_id, n),
  CONSTRAINT \`fk lines, "order"\` FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  CONSTRAINT fk_product FOREIGN KEY (region, product) REFERENCES products (region, code) ON DELETE SET NULL ON UPDATE NO ACTION);
CREATE TABLE shop.\`odd \`\`t\`\`\` (id INT PRIMARY KEY, \`who (id), x\` INT,
  CONSTRAINT \`fk_odd\`\`\` FOREIGN KEY (\`who (id), x\`) REFERENCES customers (id) ON DELETE SET NULL ON UPDATE RESTRICT);
INSERT INTO ref.countries VALUES ('de'), ('fr');
INSERT INTO shop.customers SELECT seq, CONCAT('c', seq, '@x'), IF(seq % 2, 'de', 'fr') FROM seq_1_to_200;
INSERT INTO shop.products SELECT IF(seq % 2, 'de', 'fr'), seq, CONCAT('p', seq) FROM seq_1_to_50;
INSERT INTO shop.orders SELECT seq, seq % 200 + 1, CONCAT('c', seq % 200 + 1, '@x') FROM seq_1_to_1000;
INSERT INTO shop.lines SELECT o.id, s.seq, IF(o.id % 2, 'de', 'fr'), (o.id % 25) * 2 + IF(o.id % 2, 1, 2) FROM shop.orders o JOIN seq_1_to_3 s;
INSERT INTO shop.\`odd \`\`t\`\`\` SELECT seq, seq FROM seq_1_to_20;
`;

/** the README's grants for a source account: replication, and SELECT on the synchronized database */
const README_SOURCE = `
CREATE USER 'dts_src'@'%' IDENTIFIED BY 'pw';
GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'dts_src'@'%';
GRANT SELECT ON \`shop\`.* TO 'dts_src'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP ON \`dts\`.* TO 'dts_src'@'%';
`;

/** the foreign keys of a database with their actions, as root sees them */
async function foreignKeys(s: MariaDbServer, database: string): Promise<string[]> {
  const r = await s.query<{ t: string; n: string; cols: string; rt: string; rcols: string; del: string; upd: string }>(
    `SELECT k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS n, GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION) AS cols,
            CONCAT(k.REFERENCED_TABLE_SCHEMA, '.', k.REFERENCED_TABLE_NAME) AS rt, GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION) AS rcols,
            r.DELETE_RULE AS del, r.UPDATE_RULE AS upd
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.TABLE_SCHEMA = ? GROUP BY k.TABLE_NAME, k.CONSTRAINT_NAME, r.DELETE_RULE, r.UPDATE_RULE ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME`,
    [database],
  );
  return r.map((x) => `${x.t}.${x.n} (${x.cols}) -> ${x.rt} (${x.rcols}) ON DELETE ${x.del} ON UPDATE ${x.upd}`);
}

describe('MySQL (MariaDB 10.11): foreign keys with the README grants', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  mySuiteHooks((x) => (s = x));

  it('parses the foreign keys of SHOW CREATE TABLE, and nothing in quotes', () => {
    const keys = parseForeignKeys(
      "CREATE TABLE `t` (\n  `a (b), c` int(11) DEFAULT 'CONSTRAINT `no` FOREIGN KEY (`a`) REFERENCES `x` (`a`)',\n  `d` int,\n" +
        '  CONSTRAINT `f``1` FOREIGN KEY (`a (b), c`, `d`) REFERENCES `other db`.`p``q` (`x`, `y`) ON DELETE SET NULL ON UPDATE NO ACTION,\n' +
        '  CONSTRAINT `f2` FOREIGN KEY (`d`) REFERENCES `p` (`x`)\n' +
        ") ENGINE=InnoDB COMMENT='CONSTRAINT `c` FOREIGN KEY (`d`) REFERENCES `p` (`x`) ON DELETE CASCADE'",
    );
    assert.deepEqual(keys, [
      { name: 'f`1', columns: ['a (b), c', 'd'], refSchema: 'other db', refTable: 'p`q', refColumns: ['x', 'y'], onDelete: 'SET NULL', onUpdate: 'NO ACTION' },
      { name: 'f2', columns: ['d'], refSchema: null, refTable: 'p', refColumns: ['x'], onDelete: 'RESTRICT', onUpdate: 'RESTRICT' },
    ]);
  });

  it('introspects the same foreign keys, with their actions, as an account with SELECT only', async () => {
    await s.source.query(DDL);
    await s.source.query(README_SOURCE);
    // MariaDB hides the actions from this account: the reason the keys went missing
    const hidden = await s.source.query<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?', ['shop']);
    assert.equal(Number(hidden[0].n), 6, 'root sees 6 foreign keys');
    const keysOf = async (user: string, password?: string) => {
      const cat = await introspector.introspect(s.source.config('', user, password), { schemas: ['shop'] });
      return cat.tables.map((t) => ({ table: t.name, foreignKeys: t.foreignKeys }));
    };
    const asRoot = await keysOf('root');
    assert.equal(asRoot.flatMap((t) => t.foreignKeys).length, 6);
    assert.deepEqual(await keysOf('dts_src', 'pw'), asRoot, 'the SELECT-only account reads the same keys and actions');
    const lines = asRoot.find((t) => t.table === 'lines')?.foreignKeys.find((k) => k.name === 'fk_product');
    assert.equal(lines?.definition, 'FOREIGN KEY (`region`, `product`) REFERENCES `shop`.`products` (`region`, `code`) ON DELETE SET NULL ON UPDATE NO ACTION');
  });

  it('creates every foreign key of the selected tables on the destination, and warns about the one it cannot', async () => {
    const task = await createMyTask(s.source, s.target, 'shop', { objects: { schemas: [{ name: 'shop' }] }, accounts: { source: { user: 'dts_src', password: 'pw' } } });
    await setDesired(task, 'Running');
    await waitFor('the task to run', async () => (await taskRow(task))?.status === 'Running', 120_000);

    const expected = (await foreignKeys(s.source, 'shop')).filter((k) => !k.includes('-> ref.countries'));
    assert.equal(expected.length, 5);
    // MariaDB stores RESTRICT as NO ACTION when a key is added with foreign_key_checks = 0 (as
    // schema sync does, since tables load in parallel); InnoDB treats the two alike (both check at once)
    const same = (k: string) => k.replace(/ RESTRICT/g, ' NO ACTION');
    assert.deepEqual((await foreignKeys(s.target, 'shop')).map(same), expected.map(same), 'the destination has the foreign keys, with the same actions');
    const { db } = await import('../../server/db');
    const warnings = (await db().taskEvent.findMany({ where: { taskId: task, level: 'warn' }, orderBy: { id: 'asc' } })).map((e) => e.message);
    assert.deepEqual(warnings, [
      'Schema Synchronization: Foreign key `fk_country` of `shop`.`customers` is not created: it references `ref`.`countries`, which is not selected.',
    ]);

    // the rows arrived, and the destination's keys act: a delete of a parent cascades there
    await s.source.query('INSERT INTO shop.customers VALUES (500, \'new@x\', NULL); INSERT INTO shop.orders VALUES (5000, 500, \'new@x\')');
    await waitMyApplied(s.source, s.target, task);
    for (const [table, cols, key] of [
      ['customers', ['id', 'email', 'country'], ['id']],
      ['orders', ['id', 'customer_id', 'email'], ['id']],
      ['lines', ['order_id', 'n', 'region', 'product'], ['order_id', 'n']],
      ['odd `t`', ['id', 'who (id), x'], ['id']],
    ] as const) {
      const { source: a, target: b } = await sameTable(s.source, s.target, 'shop', table, [...cols], [...key]);
      assert.ok(a.rows > 0);
      assert.deepEqual(b, a, `ordered checksum of shop.${table}`);
    }
    await s.target.query('SET SESSION foreign_key_checks = 1; DELETE FROM shop.customers WHERE id = 500');
    assert.deepEqual(await s.target.query('SELECT id FROM shop.orders WHERE id = 5000'), [], 'ON DELETE CASCADE on the destination');
  });
});

after(async () => {
  await stopMeta();
});
