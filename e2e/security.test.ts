// The console's read-only role and the audit log, end to end in Debian's Chromium against
// `npm start` (needs `npm run build` first, as e2e/console.test.ts does):
//   1. a viewer created through the API signs in: the top bar names the role, Create Task and the
//      task's actions are disabled with their reason, and the Audit Log is not in the navigation
//   2. the viewer opening /audit sees the server's refusal
//   3. the administrator's Audit Log shows the viewer's sign-in and the viewer's refused change
//      (screenshot 20-audit-log); Settings shows Users with their status, All Users' Tokens
// Every page runs under the console's Content-Security-Policy: a step fails on a violation.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchBrowser, requireChromium, root, screenshot, startApp, watchCspViolations, type App } from './app';

requireChromium();

const ADMIN = 'e2e-admin-password';
const VIEWER = 'vera';
const VIEWER_PASSWORD = 'vera-e2e-password';
const READ_ONLY = 'Read-only role: viewers cannot change tasks';
const T = { timeout: 90_000 };

describe('the console: the read-only role and the audit log', { skip: !haveChromium && 'no Chromium' }, () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let csp: string[] = [];
  let taskId = '';
  /** after a failed step the next ones are skipped, not timed out one by one */
  let broken: string | null = null;

  const cli = (args: string[], token?: string) =>
    spawnSync(path.join(root, 'bin', 'dts'), args, { env: { ...process.env, DTS_URL: app.url, DTS_TOKEN: token ?? '' }, encoding: 'utf8' });

  function step(name: string, fn: () => Promise<void>): void {
    it(name, T, async (t) => {
      if (broken) return t.skip(`step "${broken}" failed`);
      try {
        await fn();
        assert.deepEqual(csp, [], 'the browser reported no Content-Security-Policy violation');
      } catch (e) {
        broken = name;
        await screenshot(page, `failed-security-${name.slice(0, 1)}`).catch(() => undefined);
        throw e;
      }
    });
  }

  async function signIn(username: string, password: string): Promise<void> {
    await page.goto(app.url);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', password);
    await page.click('button[type="submit"]');
    await page.getByRole('heading', { name: 'Data Synchronization Tasks' }).waitFor();
  }

  before(async () => {
    app = await startApp(ADMIN);
    // the viewer and a task, through the API (the CLI)
    const login = cli(['login', '--user', 'admin', '--password', ADMIN]);
    assert.equal(login.status, 0, login.stderr);
    const admin = (JSON.parse(login.stdout) as { token: string }).token;
    const user = cli(['user', 'create', VIEWER, '--password', VIEWER_PASSWORD, '--role', 'viewer'], admin);
    assert.equal(user.status, 0, user.stderr);
    const def = path.join(app.dataDir, 'task.json');
    writeFileSync(def, JSON.stringify({
      name: 'seen by the viewer',
      source: { host: '127.0.0.1', port: 1, database: 'shop', user: 'u', password: 'secret-source-pw' },
      destination: { host: '127.0.0.1', port: 2, database: 'dw', user: 'u', password: 'secret-dest-pw' },
      objects: { schemas: [{ name: 'public' }] },
    }));
    const created = cli(['task', 'create', def], admin);
    assert.equal(created.status, 0, created.stderr);
    taskId = (JSON.parse(created.stdout) as { id: string }).id;
    // a change the viewer tries from the CLI: refused, and audited
    const viewerLogin = cli(['login', '--user', VIEWER, '--password', VIEWER_PASSWORD, '--name', 'vera-laptop']);
    assert.equal(viewerLogin.status, 0, viewerLogin.stderr);
    const refused = cli(['task', 'pause', taskId], (JSON.parse(viewerLogin.stdout) as { token: string }).token);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /viewer \(read-only\)/);

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    csp = await watchCspViolations(page);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  step('1. a viewer sees the console read-only: Create Task and the task actions disabled, with the reason', async () => {
    await signIn(VIEWER, VIEWER_PASSWORD);
    const who = page.getByTestId('current-user');
    assert.equal(await who.getAttribute('data-role'), 'viewer');
    assert.match((await who.textContent()) ?? '', /vera\s*\(Viewer, read-only\)/);

    const create = page.getByRole('button', { name: 'Create Task' }).first();
    await create.waitFor();
    assert.equal(await create.isDisabled(), true, 'Create Task is disabled');
    assert.equal(await create.getAttribute('title'), READ_ONLY);
    assert.equal(await page.getByRole('link', { name: 'Create Task' }).count(), 0, 'no link to the wizard');

    const row = page.getByTestId(`task-row-${taskId}`);
    await row.waitFor();
    const configure = row.getByRole('button', { name: 'Configure Task' });
    assert.equal(await configure.isDisabled(), true);
    assert.equal(await configure.getAttribute('title'), READ_ONLY);
    await row.getByRole('button', { name: `More actions for ${taskId}` }).click();
    const release = page.getByRole('menuitem', { name: 'Release' });
    assert.equal(await release.getAttribute('aria-disabled'), 'true');
    assert.equal(await release.getAttribute('title'), READ_ONLY);
    await release.click({ force: true });
    assert.equal(await page.getByRole('dialog').count(), 0, 'a disabled item opens nothing');
    await page.keyboard.press('Escape');

    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit Log' }).count(), 0, 'the Audit Log is for administrators');
    await screenshot(page, '18-viewer-task-list');

    // the viewer's own account stays theirs: the password form asks for the current one
    await page.goto(`${app.url}/settings`);
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    await page.getByLabel('Current Password').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create Token' }).isDisabled(), false, 'a viewer creates its own tokens');
    assert.equal(await page.getByTestId('users').count(), 0);
  });

  step('2. a viewer opening /audit sees the server refusal', async () => {
    await page.goto(`${app.url}/audit`);
    await page.getByRole('heading', { name: 'Audit Log' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'Only an administrator can do this' }).waitFor();
    await screenshot(page, '19-audit-log-refused');
    await page.getByRole('button', { name: 'Sign Out' }).click();
    await page.getByTestId('login-form').waitFor();
  });

  step("3. the administrator's Audit Log shows the viewer's sign-in and the refused change", async () => {
    await signIn('admin', ADMIN);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit Log' }).click();
    await page.getByRole('heading', { name: 'Audit Log' }).waitFor();
    await page.getByTestId('audit-table').waitFor();
    await page.getByLabel('User', { exact: true }).fill(VIEWER);
    const signInRow = page.locator(`[data-testid="audit-row"][data-username="${VIEWER}"][data-action="auth.login"][data-outcome="ok"]`);
    await signInRow.waitFor();
    assert.match((await signInRow.textContent()) ?? '', /console sign-in/);
    const refused = page.locator(`[data-testid="audit-row"][data-username="${VIEWER}"][data-action="tasks.pause"]`);
    await refused.waitFor();
    const outcome = refused.getByTestId('audit-outcome');
    assert.equal((await outcome.textContent())?.trim(), 'FORBIDDEN');
    assert.match((await outcome.locator('span').getAttribute('title')) ?? '', /viewer \(read-only\)/);
    assert.match((await refused.textContent()) ?? '', /token "vera-laptop"/);
    await refused.getByRole('link', { name: taskId }).waitFor();
    assert.ok((await page.getByTestId('audit-row').count()) >= 3, 'the sign-ins and the refused pause');
    await screenshot(page, '20-audit-log');
  });

  step('4. Settings (administrator): the users with their status; every user\'s tokens; no disabling yourself', async () => {
    await page.goto(`${app.url}/settings`);
    const vera = page.locator(`[data-testid="user-row"][data-username="${VIEWER}"]`);
    await vera.waitFor();
    assert.equal((await vera.getByTestId('user-status').textContent())?.trim(), 'Active');
    const self = page.locator('[data-testid="user-row"][data-username="admin"]').getByRole('button', { name: 'Disable admin' });
    assert.equal(await self.isDisabled(), true);
    assert.match((await self.getAttribute('title')) ?? '', /cannot disable yourself/);
    await page.locator('[data-testid="all-api-token-row"]').filter({ hasText: 'vera-laptop' }).waitFor();

    await vera.getByRole('button', { name: `Disable ${VIEWER}` }).click();
    await page.getByRole('dialog', { name: 'Note' }).getByRole('button', { name: 'Disable' }).click();
    await vera.getByTestId('user-status').filter({ hasText: 'Disabled' }).waitFor();
    await screenshot(page, '21-settings-users');
    await vera.getByRole('button', { name: `Enable ${VIEWER}` }).click();
    await page.getByRole('dialog', { name: 'Note' }).getByRole('button', { name: 'Enable' }).click();
    await vera.getByTestId('user-status').filter({ hasText: 'Active' }).waitFor();
  });
});
