// Key rotation and a wrong key, on a real metadata database with passwords saved through the API:
//   - `dts admin rotate-key` re-encrypts every stored password under DTS_NEW_SECRET_KEY, and a saved
//     connection still tests its connectivity with the new key, while the old key now gets a message
//     naming DTS_SECRET_KEY (never "unable to authenticate data")
//   - a wrong current key changes nothing and names the rows
//   - file based: a new secret.key is generated (no secret.key.old or .new left after success)
//   - a console or replicator started with a wrong key (or without its secret.key) stops at once,
//     with that message
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SUPER_PASSWORD } from '../helpers/pg';
import { CLI_BIN, rejection, startApi, type ApiHarness } from '../api/harness';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const OLD_KEY = 'api-test-secret-key'; // the harness's DTS_SECRET_KEY
const NEW_KEY = 'rotated-secret-key-1';

interface Run {
  code: number | null;
  out: string;
}

function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DTS_SECRET_KEY: OLD_KEY };
  delete e.DTS_NEW_SECRET_KEY;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return e;
}

/** `npm run rotate-key` (scripts/rotate-key.ts) with the harness's DATABASE_URL and DTS_DATA_DIR */
function rotateKey(env: Record<string, string | undefined>): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/rotate-key.ts'], { cwd: ROOT, env: childEnv(env), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** scripts/start.ts --only replicator (no Next build needed): its output until it exits or says it started */
function startReplicator(env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--only', 'replicator'], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('replicator started')) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function storedPasswords(api: ApiHarness): Promise<string[]> {
  const e = await api.meta.query<{ p: string }>('dts_meta', 'SELECT "passwordEnc" AS p FROM "Endpoint" ORDER BY id');
  const c = await api.meta.query<{ p: string }>('dts_meta', 'SELECT "passwordEnc" AS p FROM "Connection" ORDER BY id');
  return [...e, ...c].map((r) => r.p);
}

describe('rotating DTS_SECRET_KEY', () => {
  let api: ApiHarness;
  let connectionId = 0;
  let taskId = '';
  const savedConnection = () => ({
    endpoint: { engine: 'postgres' as const, host: '127.0.0.1', port: api.meta.port, database: 'postgres', user: 'postgres', password: '', connectionId },
    side: 'source' as const,
  });

  before(async () => {
    api = await startApi();
    const c = api.client({ token: api.token });
    const endpoint = { engine: 'postgres' as const, host: '127.0.0.1', port: api.meta.port, database: 'postgres', user: 'postgres', password: SUPER_PASSWORD };
    connectionId = (await c.endpoints.registerConnection.mutate({ name: 'meta server', ...endpoint })).id;
    taskId = (await c.tasks.create.mutate({ name: 'rotation', source: endpoint, destination: endpoint, objects: { schemas: [{ name: 'public' }] } })).id;
    const ok = await c.endpoints.testConnectivity.mutate(savedConnection());
    assert.equal(ok.ok, true, ok.message);
  });

  after(async () => {
    process.env.DTS_SECRET_KEY = OLD_KEY;
    await api?.stop();
  });

  test('a wrong current key changes nothing and names every row it cannot decrypt', async () => {
    const before = await storedPasswords(api);
    const r = rotateKey({ DTS_SECRET_KEY: 'not-the-key', DTS_NEW_SECRET_KEY: NEW_KEY });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /3 of 3 stored passwords do not decrypt under the current key \(DTS_SECRET_KEY\), so nothing was changed/);
    assert.match(r.out, /Endpoint \d+ \(postgres 127\.0\.0\.1:\d+\/postgres\)/);
    assert.match(r.out, /saved connection \d+ "meta server"/);
    assert.deepEqual(await storedPasswords(api), before, 'no row changed');
  });

  test('with DTS_SECRET_KEY set, the new key must come from DTS_NEW_SECRET_KEY', async () => {
    const r = rotateKey({});
    assert.equal(r.code, 1);
    assert.match(r.out, /the new key must come from DTS_NEW_SECRET_KEY/);
    const same = rotateKey({ DTS_NEW_SECRET_KEY: OLD_KEY });
    assert.equal(same.code, 1);
    assert.match(same.out, /same key/);
  });

  test('dts admin rotate-key re-encrypts every stored password; the saved connection works with the new key, the old key gets a named message', async () => {
    const before = await storedPasswords(api);
    const r = spawnSync(CLI_BIN, ['admin', 'rotate-key'], { cwd: os.tmpdir(), env: childEnv({ DTS_NEW_SECRET_KEY: NEW_KEY }), encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /Re-encrypted 3 stored password\(s\) under the new key: 2 of endpoints, 1 of saved connections/);
    assert.match(r.stdout, /Restart every console and replicator now with DTS_SECRET_KEY set to the value of DTS_NEW_SECRET_KEY/);
    const after = await storedPasswords(api);
    assert.equal(after.length, before.length);
    after.forEach((p, i) => assert.notEqual(p, before[i], `row ${i} re-encrypted`));
    assert.ok(!r.stdout.includes(SUPER_PASSWORD) && !r.stdout.includes(NEW_KEY), 'neither a password nor the key is printed');

    // this console still has the old key: a clear message, not the cipher's
    const c = api.client({ token: api.token });
    const stale = await rejection(c.endpoints.testConnectivity.mutate(savedConnection()));
    assert.match(stale.message, /cannot be decrypted with DTS_SECRET_KEY: it is not the key the password was saved with/);
    assert.doesNotMatch(stale.message, /unable to authenticate data/i);
    // restarted with the new key
    process.env.DTS_SECRET_KEY = NEW_KEY;
    const ok = await c.endpoints.testConnectivity.mutate(savedConnection());
    assert.equal(ok.ok, true, ok.message);
    const task = await c.endpoints.testConnectivity.mutate({ taskId, side: 'destination' });
    assert.equal(task.ok, true, task.message);
  });

  test('file based: a new secret.key replaces the old one, and nothing is left beside it', async () => {
    // the file form of the current key (DTS_SECRET_KEY is sha256'd into the same 32 bytes)
    const keyFile = path.join(api.dataDir, 'secret.key');
    const oldFileKey = createHash('sha256').update(NEW_KEY).digest('base64');
    writeFileSync(keyFile, oldFileKey, { mode: 0o600 });
    const r = rotateKey({ DTS_SECRET_KEY: undefined, DTS_DATA_DIR: api.dataDir });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Re-encrypted 3 stored password\(s\)/);
    assert.match(r.out, new RegExp(`The new key is in ${keyFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    const fresh = readFileSync(keyFile, 'utf8').trim();
    assert.notEqual(fresh, oldFileKey);
    assert.equal(Buffer.from(fresh, 'base64').length, 32);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'secret.key stays private');
    assert.ok(!existsSync(`${keyFile}.old`) && !existsSync(`${keyFile}.new`), 'no secret.key.old or .new after success');

    delete process.env.DTS_SECRET_KEY; // this console now reads <DTS_DATA_DIR>/secret.key
    const c = api.client({ token: api.token });
    const ok = await c.endpoints.testConnectivity.mutate(savedConnection());
    assert.equal(ok.ok, true, ok.message);
  });

  test('a rotation that committed but did not install secret.key.new is finished by the next run', async () => {
    const keyFile = path.join(api.dataDir, 'secret.key');
    const good = readFileSync(keyFile, 'utf8');
    // as if the run had stopped between its commit and the rename
    writeFileSync(`${keyFile}.new`, good, { mode: 0o600 });
    writeFileSync(keyFile, Buffer.alloc(32, 9).toString('base64'), { mode: 0o600 });
    const before = await storedPasswords(api);
    const r = rotateKey({ DTS_SECRET_KEY: undefined, DTS_DATA_DIR: api.dataDir });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /An earlier rotation had re-encrypted the passwords under .*secret\.key\.new but not installed it/);
    assert.equal(readFileSync(keyFile, 'utf8'), good, 'the key the passwords are under is secret.key again');
    assert.ok(!existsSync(`${keyFile}.new`));
    assert.deepEqual(await storedPasswords(api), before, 'no row changed');
  });

  test('started with a wrong key, or without its secret.key, a replicator stops at once with a message naming DTS_SECRET_KEY', async () => {
    const wrongEnv = await startReplicator({ DTS_SECRET_KEY: NEW_KEY });
    assert.equal(wrongEnv.code, 1, wrongEnv.out);
    assert.match(wrongEnv.out, /start failed: The stored password of (Endpoint|saved connection) \d+ .* cannot be decrypted with DTS_SECRET_KEY/);
    assert.doesNotMatch(wrongEnv.out, /replicator started|unable to authenticate data/i);

    const other = mkdtempSync(path.join(os.tmpdir(), 'dts-key-'));
    try {
      const missing = await startReplicator({ DTS_SECRET_KEY: undefined, DTS_DATA_DIR: other });
      assert.equal(missing.code, 1, missing.out);
      assert.match(missing.out, new RegExp(`${path.join(other, 'secret.key').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is missing \\(and DTS_SECRET_KEY is unset\\)`));
      assert.ok(!existsSync(path.join(other, 'secret.key')), 'no new key was generated in its place');
      writeFileSync(path.join(other, 'secret.key'), Buffer.alloc(32, 7).toString('base64'), { mode: 0o600 });
      const wrongFile = await startReplicator({ DTS_SECRET_KEY: undefined, DTS_DATA_DIR: other });
      assert.equal(wrongFile.code, 1, wrongFile.out);
      assert.match(wrongFile.out, /cannot be decrypted with the key in .*secret\.key \(DTS_SECRET_KEY is unset\)/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }

    const right = await startReplicator({ DTS_SECRET_KEY: undefined, DTS_DATA_DIR: api.dataDir });
    assert.match(right.out, /replicator started/, 'the right key starts');
  });
});
