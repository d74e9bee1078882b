// MySQL as a Database Type through the CLI and the API, against real MariaDB servers: a task
// created from a JSON definition, its precheck items (binlog settings, privileges, keys), the
// catalog for the object selector, and a definition mixing two database types refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startMariaDb, MARIADB_ROOT_PASSWORD, type MariaDbServer } from '../helpers/mysql';
import { NO_MARIADB } from '../helpers/mysql-harness';
import { jsonFile, rejection, runCli, startApi, type ApiHarness } from './harness';

describe('MySQL through the CLI and the API (real MariaDB)', { skip: NO_MARIADB }, () => {
  let api: ApiHarness;
  let source: MariaDbServer;
  let target: MariaDbServer;
  let dir: string;

  before(async () => {
    if (NO_MARIADB) return;
    dir = mkdtempSync(path.join(os.tmpdir(), 'dts-mysql-cli-'));
    api = await startApi();
    source = await startMariaDb();
    target = await startMariaDb();
    await source.query(`CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(20)); CREATE TABLE shop.audit_log (at DATETIME, what TEXT);
      INSERT INTO shop.orders SELECT seq, CONCAT('n', seq) FROM seq_1_to_100`);
  });
  after(async () => {
    await source?.stop();
    await target?.stop();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const endpoint = (s: MariaDbServer) => ({ engine: 'mysql', host: '127.0.0.1', port: s.port, database: 'shop', user: 'root', password: MARIADB_ROOT_PASSWORD });

  test('creates a MySQL task from a JSON file and prechecks it: binlog items, and a table without a key named', async () => {
    const file = jsonFile(dir, 'task.json', {
      name: 'mysql via cli',
      source: endpoint(source),
      destination: endpoint(target),
      objects: { schemas: [{ name: 'shop' }] },
    });
    const created = await runCli(api, ['task', 'create', file, '--json'], { cwd: dir });
    assert.equal(created.code, 0, created.stderr);
    const id = created.json().id as string;
    const pre = await runCli(api, ['task', 'precheck', id, '--json', '--timeout', '60'], { cwd: dir });
    const run = JSON.parse(pre.stdout) as { state: string; items: { key: string; result: string; cause?: string; fix?: string }[] };
    assert.equal(run.state, 'failed', pre.stdout);
    const item = (key: string) => run.items.find((i) => i.key === key);
    for (const key of ['source.connectivity', 'target.connectivity', 'source.log_bin', 'source.binlog_format', 'source.binlog_row_image']) {
      assert.equal(item(key)?.result, 'pass', `${key}: ${JSON.stringify(item(key))}`);
    }
    const keys = run.items.filter((i) => i.result === 'fail');
    assert.ok(keys.length >= 1, 'a failing item');
    assert.ok(keys.some((i) => /audit_log/.test(i.cause ?? '') && (i.fix ?? '').length > 0), `the table without a key is named with a fix: ${JSON.stringify(keys)}`);
    assert.ok(!pre.stdout.includes(MARIADB_ROOT_PASSWORD), 'no password in the output');
  });

  test('lists the databases and tables of a MySQL source for the object selector', async () => {
    const c = api.client({ token: api.token });
    const catalog = await c.endpoints.introspect.mutate({ ref: { endpoint: endpoint(source) as never, side: 'source' } });
    assert.equal(catalog.engine, 'mysql');
    assert.deepEqual(catalog.schemas, ['shop'], 'the user databases, without the system ones');
    assert.deepEqual(catalog.tables.map((t) => [t.name, t.primaryKey]), [['audit_log', null], ['orders', ['id']]]);
  });

  test('refuses a task between two database types, naming the field', async () => {
    const c = api.client({ token: api.token });
    const r = await rejection(
      c.tasks.create.mutate({
        name: 'mixed',
        source: endpoint(source) as never,
        destination: { engine: 'postgres', host: '127.0.0.1', port: 5432, database: 'x', user: 'u', password: 'p' },
        objects: { schemas: [{ name: 'shop' }] },
      }),
    );
    assert.equal(r.code, 'BAD_REQUEST');
    assert.match(r.message, /different database types/);
  });
});
