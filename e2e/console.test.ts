// The console end to end in Debian's Chromium, against `npm start` (embedded metadata database,
// console, replicator) and real PostgreSQL source and destination servers started here:
//   0. no API call works without a session; the CLI signs in and creates a task
//   1. log in
//   2. create a task through the whole wizard, with a rename and a WHERE filter
//   3. see a precheck failure (a table without a primary key) and fix it
//   4. start the task and watch the list auto-refresh to Running
//   5. insert rows in the source and see them arrive in the target (checked in the database)
//   6. pause and start
//   7. create a reverse task
//   8. run the DR failover dialog
//   9. release
// Every page runs under the console's Content-Security-Policy: a step fails when the browser
// reports a violation. Screenshots of each main screen go to test-results/e2e/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { checksum, startPgServer, SUPER_PASSWORD, waitFor, type PgServer } from '../test/helpers/pg';
import { haveChromium, launchBrowser, requireChromium, root, screenshot, startApp, watchCspViolations, type App } from './app';

requireChromium();

const ADMIN = 'e2e-admin-password';
/** the steps build on each other: after a failure the rest are skipped, not timed out one by one */
let broken: string | null = null;
let currentPage: Page | null = null;
/** what the browser reported against the Content-Security-Policy; every step ends with none */
let cspViolations: string[] = [];
function step(name: string, opts: { timeout?: number }, fn: () => Promise<void>): void {
  it(name, opts, async (t) => {
    if (broken) return t.skip(`step "${broken}" failed`);
    try {
      await fn();
      assert.deepEqual(cspViolations, [], 'the browser reported no Content-Security-Policy violation');
    } catch (e) {
      broken = name;
      if (currentPage) await screenshot(currentPage, `failed-${name.slice(0, 2).replace(/\W/g, '')}`).catch(() => undefined);
      throw e;
    }
  });
}
const T = { timeout: 60_000 };

describe('the console, end to end', { skip: !haveChromium && 'no Chromium' }, () => {
  let app: App;
  let source: PgServer;
  let target: PgServer;
  let browser: Browser;
  let page: Page;
  let taskId = '';
  let reverseId = '';

  before(async () => {
    [source, target] = await Promise.all([startPgServer(18), startPgServer(18)]);
    await source.createDatabase('shop');
    await target.createDatabase('shop_dr');
    await source.query('shop', `
      CREATE TABLE public.orders (id serial PRIMARY KEY, status text NOT NULL, total numeric(12,2) NOT NULL);
      CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE public.audit_log (at timestamptz DEFAULT now(), message text);
      INSERT INTO public.orders (status, total) SELECT (ARRAY['new','paid','cancelled'])[1 + g % 3], g * 1.5 FROM generate_series(1, 300) g;
      INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 50) g;
      INSERT INTO public.audit_log (message) VALUES ('created');`);
    app = await startApp(ADMIN, { DTS_ACTION_WAIT_MS: '60000' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    cspViolations = await watchCspViolations(page);
    currentPage = page;
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.all([source?.stop(), target?.stop()]);
  });

  it('0. refuses the API without a session; the CLI signs in and its tasks never return passwords', T, async () => {
    const anon = await fetch(`${app.url}/api/trpc/tasks.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`);
    assert.equal(anon.status, 401, 'no API call works without a session');
    assert.equal((await fetch(`${app.url}/api/metrics`)).status, 401, '/api/metrics needs the token');
    const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(path.join(root, 'bin', 'dts'), args, { env: { ...process.env, DTS_URL: app.url, ...env }, encoding: 'utf8' });
    const login = cli(['login', '--user', 'admin', '--password', ADMIN]);
    assert.equal(login.status, 0, login.stderr);
    const token = (JSON.parse(login.stdout) as { token: string }).token;
    const def = path.join(app.dataDir, 'task.json');
    writeFileSync(def, JSON.stringify({
      name: 'cli task',
      source: { host: '127.0.0.1', port: 1, database: 'shop', user: 'u', password: 'secret-source-pw' },
      destination: { host: '127.0.0.1', port: 2, database: 'dw', user: 'u', password: 'secret-dest-pw' },
      objects: { schemas: [{ name: 'public' }] },
    }));
    const created = cli(['task', 'create', def], { DTS_TOKEN: token });
    assert.equal(created.status, 0, created.stderr);
    assert.ok(!created.stdout.includes('secret-source-pw'), 'passwords never come back');
    const cliTask = (JSON.parse(created.stdout) as { id: string }).id;
    const released = cli(['task', 'release', cliTask], { DTS_TOKEN: token });
    assert.equal(released.status, 0, released.stderr);
    // it never ran and its databases cannot be reached: released without cleanup, not retried for ever
    await waitFor('the never-started task to be released', async () => !cli(['task', 'list'], { DTS_TOKEN: token }).stdout.includes(cliTask), 60_000, 500);
  });

  step('1. logs in', T, async () => {
    const first = await page.goto(app.url);
    // the page runs under a nonce-based policy (no inline script without the nonce)
    const policy = (await first?.allHeaders())?.['content-security-policy'] ?? '';
    assert.match(policy, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    assert.doesNotMatch(policy, /script-src[^;]*'unsafe-inline'/);
    await page.fill('input[name="username"]', 'admin');
    await page.fill('input[name="password"]', 'wrong password');
    await page.click('button[type="submit"]');
    await page.getByRole('alert').filter({ hasText: 'Incorrect username or password' }).waitFor();
    await screenshot(page, '01-login');
    await page.fill('input[name="password"]', ADMIN);
    await page.click('button[type="submit"]');
    await page.getByRole('heading', { name: 'Data Synchronization Tasks' }).waitFor();
    assert.ok(!(await page.content()).includes('secret-source-pw'), 'no password in the page');
  });

  step('2. creates a task through the whole wizard, with a rename and a WHERE filter', { timeout: 180_000 }, async () => {
    await page.getByRole('link', { name: 'Create Task' }).first().click();
    // the saved connections have loaded (the form is settled), then the name is typed and kept
    await page.getByRole('group', { name: 'Source Database' }).getByLabel('Select Existing Connection').locator('option', { hasText: 'No saved connections' }).waitFor({ state: 'attached' });
    await waitFor('the task name to be kept', async () => {
      const name = page.getByLabel('Task Name');
      if ((await name.inputValue()) !== 'e2e orders') await name.fill('e2e orders');
      await page.waitForTimeout(300);
      return (await name.inputValue()) === 'e2e orders';
    }, 10_000, 100);
    for (const [legend, server, db] of [['Source Database', source, 'shop'], ['Destination Database', target, 'shop_dr']] as const) {
      const group = page.getByRole('group', { name: legend });
      await group.getByLabel('Host').fill('127.0.0.1');
      await group.getByLabel('Port').fill(String(server.port));
      await group.getByLabel('Database Name').fill(db);
      await group.getByLabel('Database Account').fill('postgres');
      await group.getByLabel('Database Password').fill(SUPER_PASSWORD);
    }
    await screenshot(page, '02-wizard-source-destination');
    await page.getByRole('button', { name: 'Test Connectivity and Proceed' }).click();
    await page.getByRole('heading', { name: '2. Configure Objects' }).waitFor({ timeout: 30_000 });

    const sourcePane = page.getByTestId('objects-source');
    const orders = sourcePane.getByTestId('src-public.orders');
    await orders.waitFor({ timeout: 30_000 }); // schemas open by default
    for (const table of ['orders', 'customers', 'audit_log']) {
      await sourcePane.getByRole('checkbox', { name: `Select public.${table}`, exact: true }).check();
    }
    await page.getByRole('button', { name: 'Move to Selected Objects' }).click();
    const selectedPane = page.getByTestId('objects-selected');
    await selectedPane.getByTestId('sel-public.audit_log').waitFor();

    await selectedPane.getByRole('button', { name: 'Edit public.orders', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Table' });
    await edit.getByLabel('Name in Destination').fill('orders_copy');
    await edit.getByLabel('Filter Conditions').fill('nope > 1');
    await edit.getByRole('button', { name: 'OK' }).click();
    await edit.getByRole('alert').filter({ hasText: 'column "nope" does not exist' }).waitFor({ timeout: 15_000 });
    await edit.getByLabel('Filter Conditions').fill("status <> 'cancelled'");
    await edit.getByRole('button', { name: 'OK' }).click();
    await edit.waitFor({ state: 'detached', timeout: 15_000 });
    await selectedPane.getByTestId('filter-public.orders').waitFor();
    await screenshot(page, '03-wizard-objects');

    await page.getByRole('button', { name: 'Next: Advanced Settings' }).click();
    await page.getByRole('heading', { name: '3. Advanced Settings' }).waitFor();
    await page.getByRole('button', { name: 'Preview API parameters' }).click();
    const preview = await page.getByTestId('api-preview-json').textContent();
    assert.match(preview ?? '', /"targetName": "orders_copy"/);
    assert.match(preview ?? '', /"where": "status <> 'cancelled'"/);
    assert.ok(!(preview ?? '').includes(SUPER_PASSWORD), 'the preview masks passwords');
    await page.keyboard.press('Escape');
    await screenshot(page, '04-wizard-advanced');
    await page.getByRole('button', { name: 'Next: Save Task Settings and Precheck' }).click();
    await page.getByTestId('precheck-panel').waitFor({ timeout: 30_000 });
  });

  step('3. shows the precheck failure of a table without a primary key, and passes once it is fixed', { timeout: 180_000 }, async () => {
    const state = page.getByTestId('precheck-state');
    await page.locator('[data-testid="precheck-state"]:not([data-state="running"])').waitFor({ timeout: 120_000 });
    assert.equal(await state.getAttribute('data-state'), 'failed');
    const failed = page.locator('[data-testid="precheck-item"][data-result="fail"]');
    assert.equal(await failed.count(), 1, 'one failed item');
    assert.match((await failed.textContent()) ?? '', /primary key/i);
    await failed.getByRole('button', { name: 'View Details' }).click();
    const details = page.getByTestId('precheck-item-details');
    assert.match((await details.textContent()) ?? '', /audit_log/);
    await screenshot(page, '05-precheck-failed');
    await page.keyboard.press('Escape');
    assert.ok(await page.getByRole('button', { name: 'Start Task' }).isDisabled(), 'Start is enabled only at 100%');

    // the fix the item names: give the table a primary key, then Precheck Again
    await source.query('shop', 'ALTER TABLE public.audit_log ADD COLUMN id serial PRIMARY KEY');
    await page.getByRole('button', { name: 'Precheck Again' }).click();
    await page.locator('[data-testid="precheck-state"][data-state="passed"]').waitFor({ timeout: 120_000 });
    assert.match((await page.getByTestId('precheck-success-rate').textContent()) ?? '', /100%/);
    await screenshot(page, '06-precheck-passed');
  });

  step('4. starts the task, and the list auto-refreshes to Running', { timeout: 240_000 }, async () => {
    await page.getByRole('button', { name: 'Start Task' }).click();
    await page.getByRole('heading', { name: 'Data Synchronization Tasks' }).waitFor();
    const row = page.locator('[data-testid^="task-row-"]').filter({ hasText: 'e2e orders' });
    taskId = ((await row.getAttribute('data-testid')) ?? '').replace('task-row-', '');
    assert.match(taskId, /^dts[0-9a-z]{12}$/);
    // no reload: Auto Refresh brings the status in
    await page.locator(`[data-testid="task-status-${taskId}"]`).filter({ hasText: 'Running' }).waitFor({ timeout: 180_000 });
    await screenshot(page, '07-task-list-running');
  });

  step('5. rows inserted in the source arrive in the target, renamed and filtered', { timeout: 180_000 }, async () => {
    await source.query('shop', `INSERT INTO public.orders (status, total) SELECT (ARRAY['new','paid','cancelled'])[1 + g % 3], g FROM generate_series(1, 200) g;
      UPDATE public.orders SET status = 'paid' WHERE id % 10 = 0; DELETE FROM public.customers WHERE id > 45;`);
    const cols = ['id', 'status', 'total'];
    const want = await checksum(source, 'shop', { schema: 'public', name: 'orders' }, cols, ['id'], `status <> 'cancelled'`);
    await waitFor('the target to equal the filtered source', async () => {
      const got = await checksum(target, 'shop_dr', { schema: 'public', name: 'orders_copy' }, cols, ['id']).catch(() => null);
      return got?.md5 === want.md5 && got.rows === want.rows;
    }, 120_000, 500);
    const c = (server: PgServer, db: string) => checksum(server, db, { schema: 'public', name: 'customers' }, ['id', 'name'], ['id']);
    assert.deepEqual(await c(target, 'shop_dr'), await c(source, 'shop'));
    await page.getByTestId(`task-row-${taskId}`).getByRole('link', { name: 'View Details' }).click();
    await page.getByTestId('module-incremental-write').waitFor();
    await page.locator('[data-testid="task-detail-status"] [data-status="Running"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('table-progress-public.orders').waitFor();
    await page.waitForTimeout(4000); // a refresh of the charts with samples
    await screenshot(page, '08-task-details');
  });

  step('6. pauses and starts the task', { timeout: 180_000 }, async () => {
    await page.goto(app.url);
    const row = page.getByTestId(`task-row-${taskId}`);
    await row.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('dialog', { name: 'Note' }).getByRole('button', { name: 'OK' }).click();
    await page.getByRole('dialog', { name: 'Task Paused' }).getByRole('button', { name: 'OK' }).click();
    await page.locator(`[data-testid="task-status-${taskId}"]`).filter({ hasText: 'Paused' }).waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('dialog', { name: 'Note' }).getByRole('button', { name: 'OK' }).click();
    await page.locator(`[data-testid="task-status-${taskId}"]`).filter({ hasText: 'Running' }).waitFor({ timeout: 90_000 });
  });

  step('7. creates a reverse task', { timeout: 180_000 }, async () => {
    await page.getByRole('button', { name: `More actions for ${taskId}` }).click();
    await page.getByRole('menuitem', { name: 'Create Reverse Task' }).click();
    // the reverse task's Conflict Resolution Policy is shown and chosen here (Overwrite by default)
    const policy = page.getByRole('dialog', { name: 'Note' }).getByRole('radiogroup', { name: 'Conflict Resolution Policy' });
    assert.equal(await policy.getByRole('radio', { name: 'Overwrite' }).isChecked(), true);
    await policy.getByText('TaskFailed', { exact: true }).click();
    assert.equal(await policy.getByRole('radio', { name: 'TaskFailed' }).isChecked(), true);
    await policy.getByText('Overwrite', { exact: true }).click();
    await page.getByRole('dialog', { name: 'Note' }).getByRole('button', { name: 'OK' }).click();
    const link = page.getByTestId('reverse-task-link');
    await link.waitFor({ timeout: 60_000 });
    assert.match((await page.getByRole('dialog', { name: 'Reverse Task Created' }).textContent()) ?? '', /Conflict Resolution Policy Overwrite/);
    reverseId = ((await link.textContent()) ?? '').trim();
    assert.match(reverseId, /^dts[0-9a-z]{12}$/);
    await page.getByRole('dialog', { name: 'Reverse Task Created' }).getByRole('button', { name: 'OK' }).click();
    // its precheck passes, and it collects changes until it is started (seed 000)
    await page.locator(`[data-testid="task-status-${reverseId}"]`).filter({ hasText: 'Performing Initial Synchronization' }).waitFor({ timeout: 120_000 });
    assert.match((await page.getByTestId(`task-paired-${taskId}`).textContent()) ?? '', new RegExp(reverseId));
    await screenshot(page, '09-reverse-task');
    // its warnings (WAL retention on the DR side) are confirmed and ignored, as seed 003 describes
    await page.goto(`${app.url}/tasks/${reverseId}`);
    const summary = page.getByTestId('precheck-summary');
    await summary.waitFor({ timeout: 30_000 });
    await summary.getByRole('button', { name: 'View Precheck' }).click();
    const warnings = summary.locator('[data-testid="precheck-item"][data-result="warn"]');
    await warnings.first().waitFor();
    for (const key of await warnings.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))) {
      await summary.locator(`[data-testid="precheck-item"][data-key="${key}"]`).getByRole('button', { name: 'Confirm Alert Details' }).click();
      await page.getByRole('dialog', { name: 'View Details' }).getByRole('button', { name: 'Ignore' }).click();
      await page.getByRole('dialog', { name: 'Note' }).getByRole('button', { name: 'OK' }).click();
    }
    await summary.getByTestId('precheck-success-rate').filter({ hasText: '100%' }).waitFor({ timeout: 30_000 });
    await screenshot(page, '10-reverse-precheck-ignored');
    await page.goto(app.url);
  });

  step('8. runs the DR failover dialog: the forward task pauses, the reverse task writes back', { timeout: 240_000 }, async () => {
    await page.getByRole('button', { name: `More actions for ${taskId}` }).click();
    await page.getByRole('menuitem', { name: 'Failover' }).click();
    const dialog = page.getByRole('dialog', { name: 'Failover (disaster recovery)' });
    await dialog.getByTestId('readiness-report').waitFor({ timeout: 60_000 });
    await screenshot(page, '11-failover-readiness');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    for (const box of await dialog.getByTestId('action-confirmations').getByRole('checkbox').all()) {
      if ((await box.getAttribute('name')) !== 'endForward') await box.check();
    }
    await dialog.getByRole('button', { name: 'Run Failover' }).click();
    await dialog.locator('[data-testid="action-steps"] li[data-step-state="done"]').filter({ hasText: 'Start the reverse task' }).waitFor({ timeout: 180_000 });
    assert.equal(await dialog.getByRole('alert').count(), 0, 'no refusal');
    await screenshot(page, '12-failover-done');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`[data-testid="task-status-${taskId}"]`).filter({ hasText: 'Paused' }).waitFor({ timeout: 60_000 });
    await page.locator(`[data-testid="task-status-${reverseId}"]`).filter({ hasText: /Running|Retrying/ }).waitFor({ timeout: 120_000 });
    // business now writes to the DR side; the reverse task carries it back to production
    await target.query('shop_dr', `INSERT INTO public.orders_copy (status, total) VALUES ('paid', 4242)`);
    await waitFor('the DR write to reach production', async () => (await source.query('shop', 'SELECT 1 FROM public.orders WHERE total = 4242')).length === 1, 120_000, 500);
  });

  step('9. releases both tasks, and their replication slots are gone', { timeout: 240_000 }, async () => {
    for (const id of [reverseId, taskId]) {
      await page.getByRole('button', { name: `More actions for ${id}` }).click();
      await page.getByRole('menuitem', { name: 'Release' }).click();
      await page.getByRole('dialog', { name: 'Note' }).getByRole('button', { name: 'Release' }).click();
      await page.getByTestId(`task-row-${id}`).waitFor({ state: 'detached', timeout: 120_000 });
    }
    await waitFor('the replication slots to be dropped', async () => {
      const [s] = await source.query<{ n: number }>('postgres', 'SELECT count(*)::int AS n FROM pg_replication_slots');
      const [t] = await target.query<{ n: number }>('postgres', 'SELECT count(*)::int AS n FROM pg_replication_slots');
      return s.n === 0 && t.n === 0;
    }, 60_000, 500);
    await screenshot(page, '13-task-list-released');
    for (const [pathName, heading, shot] of [['/connections', 'Database Connections', '14-connections'], ['/settings', 'Settings', '15-settings'], ['/no-such-page', 'Page not found', '16-not-found']] as const) {
      await page.goto(`${app.url}${pathName}`);
      await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
      await screenshot(page, shot);
    }
  });
});
