// The README's first command, end to end in Chromium: `npm start` brings up the embedded
// metadata PostgreSQL, the migrations, the admin account, the console and the replicator; the
// console refuses the API without a session, signs in, and lists a task made with the CLI.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, waitFor } from '../test/helpers/pg';

const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '..');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is required in CI (.ci/run installs the chromium package)`);
if (!haveChromium) console.log(`# skipped: no server: Chromium (${CHROMIUM} missing); the console e2e test did not run`);

describe('npm start serves the console and the replicator', { skip: !haveChromium && 'no Chromium' }, () => {
  let app: ChildProcess;
  let dataDir: string;
  let url: string;
  let output = '';
  const password = 'e2e-admin-password';

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'dts-e2e-'));
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, DTS_DATA_DIR: path.join(dataDir, 'data'), PORT: String(port), HOST: '127.0.0.1', DTS_EMBEDDED_PG_PORT: String(await freePort()), DTS_ADMIN_PASSWORD: password };
    delete env.DATABASE_URL;
    delete env.DTS_SECRET_KEY;
    app = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    app.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    app.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    await waitFor('the console to listen', async () => {
      if (app.exitCode !== null) throw new Error(`npm start exited: ${output}`);
      return output.includes('replicator started');
    }, 180_000, 250);
  });

  after(async () => {
    if (app && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((r) => app.once('exit', r));
      app.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the API without a session, signs in, and lists a task created with the CLI', async () => {
    const anon = await fetch(`${url}/api/trpc/tasks.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`);
    assert.equal(anon.status, 401, 'no API call works without a session');
    const metrics = await fetch(`${url}/api/metrics`);
    assert.equal(metrics.status, 401, '/api/metrics needs the token');

    const cli = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(path.join(root, 'bin', 'dts'), args, { env: { ...process.env, DTS_URL: url, ...env }, encoding: 'utf8' });
    const login = cli(['login', '--user', 'admin', '--password', password]);
    assert.equal(login.status, 0, login.stderr);
    const token = (JSON.parse(login.stdout) as { token: string }).token;
    const def = path.join(dataDir, 'task.json');
    writeFileSync(def, JSON.stringify({
      name: 'e2e orders',
      source: { host: '127.0.0.1', port: 1, database: 'shop', user: 'u', password: 'secret-source-pw' },
      destination: { host: '127.0.0.1', port: 2, database: 'dw', user: 'u', password: 'secret-dest-pw' },
      objects: { schemas: [{ name: 'public' }] },
    }));
    const created = cli(['task', 'create', def], { DTS_TOKEN: token });
    assert.equal(created.status, 0, created.stderr);
    assert.ok(!created.stdout.includes('secret-source-pw'), 'passwords never come back');

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.fill('input[name="username"]', 'admin');
      await page.fill('input[name="password"]', 'wrong password');
      await page.click('button[type="submit"]');
      await page.getByRole('alert').filter({ hasText: 'Incorrect username or password' }).waitFor({ timeout: 10_000 });
      await page.fill('input[name="password"]', password);
      await page.click('button[type="submit"]');
      await page.getByRole('heading', { name: 'Data Synchronization' }).waitFor({ timeout: 15_000 });
      await page.getByText('e2e orders').waitFor({ timeout: 10_000 });
      assert.ok(await page.getByText('Not Started').first().isVisible(), 'the task shows its status in DTS wording');
      assert.ok(!(await page.content()).includes('secret-source-pw'), 'no password in the page');
    } finally {
      await browser.close();
    }
  });
});
