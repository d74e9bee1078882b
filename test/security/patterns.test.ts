// User-supplied patterns cannot freeze the process (issue 13), through the real HTTP API and real
// databases. The API runs in a worker thread (api-worker.ts), so this thread can see whether it
// still answers while a precheck evaluates the patterns, and can end it when it is frozen: with
// the old JavaScript RegExp these tests fail after a few seconds instead of hanging for hours.
//   - Batch Edit rule (a+)+ against a 47-character table name (JavaScript: 2^45 steps);
//   - Batch Edit rules RE2 cannot run are refused at create, configure and configureReverse with
//     the field at fault; a stored one fails the precheck naming the rule;
//   - a WHERE filter with a long operator run (the lexer was cubic in it: 10 s for 4,000 characters);
//   - a MySQL grant on a database pattern such as `%%%%%x` against a long database name (the LIKE
//     pattern became a backtracking RegExp).
import assert from 'node:assert/strict';
import { rmSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { createTRPCClient, httpLink } from '@trpc/client';
import pg from 'pg';
import superjson from 'superjson';
import type { AppRouter } from '../../server/api/root';
import { likeMatches } from '../../server/engines/mysql/precheck-util';
import { tokenize } from '../../server/engines/postgres/sql-lexer';
import { rejection } from '../api/harness';
import { startPgServer, SUPER_PASSWORD, type PgServer } from '../helpers/pg';
import { NO_MARIADB, startMariaDb, MARIADB_ROOT_PASSWORD, type MariaDbServer } from '../helpers/mysql';
import type { WorkerReady } from './api-worker';

/** an API call must answer within this while a precheck runs (the client gives up after it) */
const CALL_MS = 3000;
/** a precheck on these small databases must finish within this */
const PRECHECK_MS = 30_000;

const LONG_A = `${'a'.repeat(45)}_b`; // 47 characters: (a+)+ backtracks over 45 a's before it fails at "_"

interface WorkerApi {
  ready: WorkerReady;
  client(): ReturnType<typeof createTRPCClient<AppRouter>>;
  stop(): Promise<void>;
}

async function apiInWorker(): Promise<WorkerApi> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./api-worker.ts', import.meta.url).href;
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(file)}); })`, { eval: true });
  const ready = await new Promise<WorkerReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the API worker did not start within 120 s')), 120_000);
    worker.once('message', (m: { ready?: WorkerReady; failed?: string }) => {
      clearTimeout(timer);
      if (m.ready) resolve(m.ready);
      else reject(new Error(`the API worker failed to start: ${m.failed}`));
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  const client = () =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${ready.url}/api/trpc`,
          transformer: superjson,
          headers: () => ({ authorization: `Bearer ${ready.token}` }),
          // a frozen API does not answer: give up instead of waiting for hours
          fetch: (url, init) => fetch(url, { ...(init as RequestInit), signal: AbortSignal.timeout(CALL_MS) }),
        }),
      ],
    });
  const stop = async () => {
    const stopped = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 20_000);
      worker.on('message', (m) => {
        if (m === 'stopped') {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    worker.postMessage('stop');
    const clean = await stopped;
    await worker.terminate();
    if (!clean) {
      // the API was frozen: its thread is gone, so stop its metadata server here
      console.log('# the API worker did not stop by itself (frozen); terminated it');
      if (ready.metaDataDir) {
        try {
          const pid = Number(readFileSync(path.join(ready.metaDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
          if (pid > 0) process.kill(pid, 'SIGQUIT');
        } catch {
          // already stopped
        }
        await sleep(1000);
        const root = path.dirname(ready.metaDataDir);
        if (root.startsWith(os.tmpdir()) && path.basename(root).startsWith('dts-')) rmSync(root, { recursive: true, force: true });
      }
      rmSync(ready.dataDir, { recursive: true, force: true });
    }
  };
  return { ready, client, stop };
}

let api: WorkerApi;
let server: PgServer;

type Client = ReturnType<WorkerApi['client']>;
type Run = Awaited<ReturnType<Client['tasks']['precheckRun']['query']>>;

/** one call, which must answer within CALL_MS */
async function answers<T>(what: string, call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  try {
    const value = await call();
    return { value, ms: performance.now() - t };
  } catch (e) {
    const ms = performance.now() - t;
    if (ms >= CALL_MS - 50) throw new Error(`the API did not answer ${what} within ${CALL_MS} ms: it is frozen (${e instanceof Error ? e.message : String(e)})`);
    throw e;
  }
}

/** runs a precheck, calling the API every 100 ms while it runs; the run, the slowest answer and the time taken */
async function watchedPrecheck(c: Client, id: string): Promise<{ run: Run; slowestMs: number; elapsedMs: number }> {
  const started = performance.now();
  const { value } = await answers('tasks.precheck', () => c.tasks.precheck.mutate({ id }));
  let slowestMs = 0;
  for (;;) {
    const other = await answers('tasks.get while the precheck runs', () => c.tasks.get.query({ id }));
    const poll = await answers('tasks.precheckRun while the precheck runs', () => c.tasks.precheckRun.query({ id, runId: value.runId }));
    slowestMs = Math.max(slowestMs, other.ms, poll.ms);
    if (poll.value.state !== 'running') return { run: poll.value, slowestMs, elapsedMs: performance.now() - started };
    if (performance.now() - started > PRECHECK_MS) throw new Error(`the precheck is still running after ${PRECHECK_MS} ms`);
    await sleep(100);
  }
}

function pgDef(objects: unknown, database = 'src') {
  return {
    name: 'patterns',
    source: { engine: 'postgres' as const, host: '127.0.0.1', port: server.port, database, user: 'postgres', password: SUPER_PASSWORD },
    destination: { engine: 'postgres' as const, host: '127.0.0.1', port: server.port, database: 'dst', user: 'postgres', password: SUPER_PASSWORD },
    objects: objects as { schemas: Array<{ name: string }> },
  };
}

before(async () => {
  api = await apiInWorker();
  server = await startPgServer(18);
  await server.createDatabase('src');
  await server.createDatabase('dst');
  await server.query('src', `CREATE TABLE public.${pg.escapeIdentifier(LONG_A)} (id int PRIMARY KEY); CREATE TABLE public.aaaa (id int PRIMARY KEY)`);
  // Batch Edit renames aaaa to renamed_aaaa, which the destination already has
  await server.query('dst', 'CREATE TABLE public.renamed_aaaa (id int PRIMARY KEY)');
});
after(async () => {
  await server?.stop();
  await api?.stop();
});

describe('Batch Edit patterns through the API', () => {
  test('(a+)+ against a 47-character table name: the API answers while the precheck runs, and the precheck finishes fast', async () => {
    const c = api.client();
    const t = await c.tasks.create.mutate({ ...pgDef({ schemas: [{ name: 'public' }], renameRules: [{ level: 'table', match: '(a+)+', replace: 'renamed_$1' }] }) });
    const { run, slowestMs, elapsedMs } = await watchedPrecheck(c, t.id);
    console.log(`# precheck took ${elapsedMs.toFixed(0)} ms; the slowest API answer meanwhile ${slowestMs.toFixed(0)} ms`);
    assert.ok(slowestMs < 2000, `an API call took ${slowestMs.toFixed(0)} ms while the precheck ran`);
    assert.ok(!run.items.some((i) => i.key === 'precheck.error'), JSON.stringify(run.items));
    assert.ok(!run.items.some((i) => i.name === 'Check the selected objects'), 'the rule compiled and the mapping resolved');
    // the rule renamed aaaa (and only aaaa) as JavaScript would have: renamed_aaaa exists in the destination
    const conflicting = run.items.find((i) => i.key === 'target.conflicting_tables');
    assert.equal(conflicting?.result, 'fail', JSON.stringify(run.items));
    assert.match(conflicting?.cause ?? '', /renamed_aaaa/);
    assert.ok(!(conflicting?.cause ?? '').includes(LONG_A));
  });

  test('a backreference is refused at create with the field at fault, and nothing is created', async () => {
    const c = api.client();
    const before = (await c.tasks.list.query()).items.length;
    const backref = await rejection(c.tasks.create.mutate(pgDef({ schemas: [{ name: 'public' }], renameRules: [{ level: 'table', match: '(\\w+)_\\1', replace: '$1' }] })));
    assert.equal(backref.code, 'BAD_REQUEST');
    assert.equal(backref.field, 'objects.renameRules.0.match');
    assert.match(backref.message, /^Batch Edit rule 1 \(table\): The pattern "\(\\w\+\)_\\1" uses the backreference \\1, which RE2 syntax does not have/);
    assert.match(backref.message, /Rewrite the pattern without it/);

    const look = await rejection(c.tasks.create.mutate(pgDef({ schemas: [{ name: 'public' }], renameRules: [{ level: 'table', match: '(.*)', replace: '$1' }, { level: 'column', match: '(?!id).*', replace: 'x' }] })));
    assert.equal(look.field, 'objects.renameRules.1.match');
    assert.match(look.message, /^Batch Edit rule 2 \(column\): .*lookahead \(\?!/);

    const group = await rejection(c.tasks.create.mutate(pgDef({ schemas: [{ name: 'public' }], renameRules: [{ level: 'table', match: 'tmp_(.*)', replace: '$2' }] })));
    assert.equal(group.field, 'objects.renameRules.0.replace');
    assert.match(group.message, /Replace "\$2" uses \$2, but the pattern "tmp_\(\.\*\)" has only the group \$1/);

    const long = await rejection(c.tasks.create.mutate(pgDef({ schemas: [{ name: 'public' }], renameRules: [{ level: 'table', match: 'a'.repeat(201), replace: '' }] })));
    assert.equal(long.field, 'objects.renameRules.0.match');
    assert.equal((await c.tasks.list.query()).items.length, before, 'nothing was created');
  });

  test('tasks.configure and configureReverse refuse it too', async () => {
    const c = api.client();
    const t = await c.tasks.create.mutate(pgDef({ schemas: [{ name: 'public', tables: [{ name: 'aaaa' }] }] }));
    const objects = { schemas: [{ name: 'public', tables: [{ name: 'aaaa' }] }], renameRules: [{ level: 'table' as const, match: '(a)\\1', replace: 'x' }] };
    const conf = await rejection(c.tasks.configure.mutate({ id: t.id, objects }));
    assert.equal(conf.code, 'BAD_REQUEST');
    assert.equal(conf.field, 'objects.renameRules.0.match');
    assert.match(conf.message, /backreference \\1/);
    assert.deepEqual((await c.tasks.get.query({ id: t.id })).objects.renameRules, [], 'the task kept its objects');

    const reverse = await rejection(c.tasks.configureReverse.mutate({ id: t.id, objects: { ...objects, renameRules: [{ level: 'table', match: '.*(?<=_old)', replace: 'x' }] } }));
    assert.equal(reverse.code, 'BAD_REQUEST');
    assert.equal(reverse.field, 'objects.renameRules.0.match');
    assert.match(reverse.message, /lookbehind \(\?<=/);
  });

  test('a stored task whose rule RE2 refuses still opens, and its precheck fails naming the rule', async () => {
    const c = api.client();
    const t = await c.tasks.create.mutate(pgDef({ schemas: [{ name: 'public' }] }));
    const meta = new pg.Client({ connectionString: api.ready.metaUrl });
    await meta.connect();
    try {
      const objects = { schemas: [{ name: 'public' }], renameRules: [{ level: 'table', match: '(?=a)a+', replace: 'x' }], capitalization: 'default' };
      await meta.query('UPDATE "Task" SET objects = $2::jsonb WHERE id = $1', [t.id, JSON.stringify(objects)]);
    } finally {
      await meta.end();
    }
    assert.equal((await c.tasks.get.query({ id: t.id })).objects.renameRules[0].match, '(?=a)a+');
    const { run } = await watchedPrecheck(c, t.id);
    assert.equal(run.state, 'failed');
    assert.ok(!run.items.some((i) => i.key === 'precheck.error'), `no crash: ${JSON.stringify(run.items)}`);
    const item = run.items.find((i) => i.name === 'Check the selected objects');
    assert.equal(item?.result, 'fail');
    assert.match(item?.cause ?? '', /^Batch Edit rule 1 \(table\): The pattern "\(\?=a\)a\+" uses a lookahead/);
  });
});

describe('WHERE filters through the API', () => {
  test('a condition with a 4,000-character operator run is checked in milliseconds', async () => {
    const c = api.client();
    const where = `id =${'+'.repeat(3990)}1`;
    const ref = { endpoint: { engine: 'postgres' as const, host: '127.0.0.1', port: server.port, database: 'src', user: 'postgres', password: SUPER_PASSWORD }, side: 'source' as const };
    const r = await answers('endpoints.validateFilter', () => c.endpoints.validateFilter.mutate({ ref, table: { schema: 'public', name: 'aaaa' }, where }));
    assert.ok(r.ms < 2000, `took ${r.ms.toFixed(0)} ms`);
    // PostgreSQL reads it as id = + + ... + 1
    assert.deepEqual(r.value, { ok: true });
  });

  test('the lexer reads operator runs as PostgreSQL does, in one pass', () => {
    const ops = (src: string) => tokenize(src, true).filter((t) => t.kind === 'op').map((t) => t.text);
    assert.deepEqual(ops('a =-1'), ['=', '-']);
    assert.deepEqual(ops('a =+-1'), ['=', '+', '-']);
    assert.deepEqual(ops('a @- 1'), ['@-']);
    assert.deepEqual(ops('a <=> b'), ['<=>']);
    // 2,000 characters: 1.3 s before (cubic), so that this fails without the fix rather than hang
    const t = performance.now();
    assert.equal(tokenize(`a =${'+'.repeat(2000)}1`, true).length, 2003);
    assert.ok(performance.now() - t < 200, `2,000 operator characters took ${(performance.now() - t).toFixed(0)} ms`);
  });
});

describe('MySQL grants on database patterns (MariaDB)', { skip: NO_MARIADB }, () => {
  let maria: MariaDbServer;
  const A60 = 'a'.repeat(60);
  // as a backtracking RegExp: ^.*.*.*...x$ (20 times .*) against 60 a's, C(80,20) ways to fail
  const CRAFTED = `${'%'.repeat(20)}x`;

  before(async () => {
    maria = await startMariaDb();
    await maria.query(`
      CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY);
      CREATE DATABASE shop2; CREATE TABLE shop2.items (id INT PRIMARY KEY);
      CREATE DATABASE bbdst;
      CREATE USER 'weak'@'%' IDENTIFIED BY 'pw';
      GRANT ALL ON \`${CRAFTED}\`.* TO 'weak'@'%';
      GRANT ALL ON \`bb%\`.* TO 'weak'@'%';
    `);
  });
  after(async () => {
    await maria?.stop();
  });

  test('a grant on `%%%%...x` against a 60-character database name: the API answers and the precheck is right', async () => {
    const c = api.client();
    const t = await c.tasks.create.mutate({
      name: 'grants',
      source: { engine: 'mysql', host: '127.0.0.1', port: maria.port, database: 'shop', user: 'root', password: MARIADB_ROOT_PASSWORD },
      destination: { engine: 'mysql', host: '127.0.0.1', port: maria.port, database: 'bbdst', user: 'weak', password: 'pw' },
      objects: { schemas: [{ name: 'shop', targetName: A60 }, { name: 'shop2', targetName: 'bbcopy' }] },
    });
    const { run, slowestMs } = await watchedPrecheck(c, t.id);
    assert.ok(slowestMs < 2000, `an API call took ${slowestMs.toFixed(0)} ms while the precheck ran`);
    assert.ok(!run.items.some((i) => i.key === 'precheck.error'), JSON.stringify(run.items));
    // `%...%x` does not cover the 60 a's; `bb%` covers bbcopy
    const create = run.items.find((i) => i.key === 'target.create_privilege');
    assert.equal(create?.result, 'fail', JSON.stringify(run.items));
    assert.ok(create?.cause?.includes(`\`${A60}\` (missing CREATE`), create?.cause ?? '');
    assert.ok(!create?.cause?.includes('bbcopy'), create?.cause ?? '');
  });

  test('LIKE patterns of grants match as MySQL matches them', () => {
    const cases: Array<[string, string, boolean]> = [
      ['%', 'shop', true], ['sh%', 'shop', true], ['s_op', 'shop', true], ['s\\_op', 'shop', false], ['s\\_op', 's_op', true],
      ['%o%', 'shop', true], ['%x', 'shop', false], ['shop', 'shop2', false], ['%%', '', true], ['_', '', false],
      ['a%c%e', 'abcde', true], ['a%c%e', 'abcdef', false], ['%ab', 'aab', true], ['é_', 'éa', true], ['a.c', 'abc', false],
    ];
    for (const [pattern, name, want] of cases) assert.equal(likeMatches(pattern, name), want, `${pattern} LIKE ${name}`);
    const t = performance.now();
    assert.equal(likeMatches(CRAFTED, A60), false);
    assert.equal(likeMatches(`${'%a'.repeat(30)}%x`, 'a'.repeat(64)), false);
    assert.ok(performance.now() - t < 50, `took ${(performance.now() - t).toFixed(1)} ms`);
  });
});
if (NO_MARIADB) console.log('# skipped: no server (MariaDB): the MySQL grant pattern tests');
