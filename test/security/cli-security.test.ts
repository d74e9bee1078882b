// The security commands of the dts CLI (issue 13), through the real API over HTTP and the CLI
// binary: a viewer is refused with the read-only message, tokens expire, a disabled user's token
// stops at once, passwords need the current one, and the audit log shows the refused call.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { definition, jsonFile, runCli, startApi, type ApiHarness } from '../api/harness';

let api: ApiHarness;
let dir: string;

before(async () => {
  api = await startApi();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dts-cli-security-'));
});
after(async () => {
  await api?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dts = (args: string[], env: Record<string, string> = {}) => runCli(api, args, { cwd: dir, env });
const VIEWER_PASSWORD = 'vera-password-1';
const DAY_MS = 86_400_000;

describe('dts CLI: roles, tokens, users and the audit log', () => {
  let viewerToken = '';

  test('user create --role viewer; the viewer signs in, reads, and is refused a change with the read-only message', async () => {
    const created = await dts(['user', 'create', ' Vera ', '--password', VIEWER_PASSWORD, '--role', 'viewer']);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual({ username: created.json().username, role: created.json().role }, { username: 'vera', role: 'viewer' }, 'the name is normalised');

    const login = await dts(['login', '--user', 'VERA', '--password', VIEWER_PASSWORD, '--name', 'vera-cli'], { DTS_TOKEN: '' });
    assert.equal(login.code, 0, login.stderr);
    viewerToken = String(login.json().token);
    assert.equal(login.json().expiresAt, null, 'login without --expires: no expiry');
    const me = await dts(['whoami'], { DTS_TOKEN: viewerToken });
    assert.deepEqual(me.json().permissions, { write: false, admin: false });

    const list = await dts(['task', 'list'], { DTS_TOKEN: viewerToken });
    assert.equal(list.code, 0, list.stderr);
    const refused = await dts(['task', 'create', jsonFile(dir, 'task.json', definition({ name: 'viewer task' }))], { DTS_TOKEN: viewerToken });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Your role is viewer \(read-only\): it can see everything and change nothing/);
    assert.match(refused.stderr, /"code":"FORBIDDEN"/);
    const none = await dts(['task', 'list', '--search', 'viewer task']);
    assert.deepEqual(none.json().items, [], 'nothing was created');
  });

  test('token create --expires 1: expiresAt about a day ahead; token list shows it; --all is for administrators', async () => {
    const before = Date.now();
    const made = await dts(['token', 'create', 'x', '--expires', '1'], { DTS_TOKEN: viewerToken });
    assert.equal(made.code, 0, made.stderr);
    const expiresAt = Date.parse(String(made.json().expiresAt));
    assert.ok(Math.abs(expiresAt - (before + DAY_MS)) < 60_000, `expiresAt ${made.json().expiresAt} is a day from now`);
    assert.equal(made.json().username, 'vera');
    const mine = await dts(['token', 'list'], { DTS_TOKEN: viewerToken });
    const listed = (mine.json() as unknown as Array<{ name: string; expiresAt: string | null }>).find((t) => t.name === 'x');
    assert.equal(listed?.expiresAt, made.json().expiresAt);

    const loginExpiring = await dts(['login', '--user', 'vera', '--password', VIEWER_PASSWORD, '--expires', '30'], { DTS_TOKEN: '' });
    assert.ok(Math.abs(Date.parse(String(loginExpiring.json().expiresAt)) - (Date.now() + 30 * DAY_MS)) < 60_000, 'login --expires 30');

    const all = await dts(['token', 'list', '--all']);
    assert.equal(all.code, 0, all.stderr);
    const owners = new Set((all.json() as unknown as Array<{ username: string }>).map((t) => t.username));
    assert.ok(owners.has('vera') && owners.has('admin'), [...owners].join(', '));
    const notAdmin = await dts(['token', 'list', '--all'], { DTS_TOKEN: viewerToken });
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /Only an administrator can list other users' tokens/);

    assert.equal((await dts(['token', 'create', 'y', '--expires', 'soon'])).code, 2, 'a non-number is a usage error');
    const tooLong = await dts(['token', 'create', 'y', '--expires', '5000']);
    assert.equal(tooLong.code, 1);
    assert.match(tooLong.stderr, /expiresInDays/);
  });

  test('user disable stops that user\'s token at once; user enable gives it back; nobody disables themselves', async () => {
    assert.equal((await dts(['whoami'], { DTS_TOKEN: viewerToken })).code, 0);
    const disabled = await dts(['user', 'disable', 'vera']);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal(disabled.json().disabled, true);
    const after = await dts(['whoami'], { DTS_TOKEN: viewerToken });
    assert.equal(after.code, 1);
    assert.match(after.stderr, /UNAUTHORIZED/);
    const signIn = await dts(['login', '--user', 'vera', '--password', VIEWER_PASSWORD], { DTS_TOKEN: '' });
    assert.equal(signIn.code, 1);
    assert.match(signIn.stderr, /The user vera is disabled/);
    const users = await dts(['user', 'list']);
    assert.equal((users.json() as unknown as Array<{ username: string; disabled: boolean }>).find((u) => u.username === 'vera')?.disabled, true);

    const enabled = await dts(['user', 'enable', 'vera']);
    assert.equal(enabled.json().disabled, false);
    assert.equal((await dts(['whoami'], { DTS_TOKEN: viewerToken })).code, 0, 'the token works again');

    const self = await dts(['user', 'disable', 'admin']);
    assert.equal(self.code, 1);
    assert.match(self.stderr, /You cannot disable yourself/);
    assert.equal((await dts(['user', 'create', 'bob', '--password', 'bob-password-1', '--role', 'boss'])).code, 2);
  });

  test('user set-password of your own account needs the current password (--current or DTS_CURRENT_PASSWORD)', async () => {
    const without = await dts(['user', 'set-password', 'vera', '--password', 'vera-password-2'], { DTS_TOKEN: viewerToken });
    assert.equal(without.code, 1);
    assert.match(without.stderr, /"field":"currentPassword"/);
    const wrong = await dts(['user', 'set-password', 'vera', '--password', 'vera-password-2', '--current', 'not-the-password'], { DTS_TOKEN: viewerToken });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /The current password is not correct/);
    const ok = await dts(['user', 'set-password', 'vera', '--password', 'vera-password-2'], { DTS_TOKEN: viewerToken, DTS_CURRENT_PASSWORD: VIEWER_PASSWORD });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await dts(['login', '--user', 'vera', '--password', 'vera-password-2'], { DTS_TOKEN: '' })).code, 0);
  });

  test('audit list --user vera shows the refused call with its outcome; filters, paging; viewers are refused', async () => {
    const log = await dts(['audit', 'list', '--user', 'vera']);
    assert.equal(log.code, 0, log.stderr);
    const items = log.json().items as Array<{ action: string; outcome: string; message: string | null; tokenName: string | null; via: string; username: string }>;
    assert.ok(items.every((e) => e.username === 'vera'));
    const refused = items.find((e) => e.action === 'tasks.create');
    assert.equal(refused?.outcome, 'FORBIDDEN');
    assert.match(refused?.message ?? '', /viewer \(read-only\)/);
    assert.equal(refused?.tokenName, 'vera-cli');
    assert.equal(refused?.via, 'token');
    assert.ok(items.some((e) => e.action === 'auth.issueToken' && e.outcome === 'FORBIDDEN'), 'the sign-in while disabled');

    const byAction = await dts(['audit', 'list', '--action', 'auth.setUserDisabled', '--limit', '1']);
    const page1 = byAction.json() as { items: Array<{ id: string; target: string }>; nextCursor: string | null };
    assert.equal(page1.items.length, 1);
    assert.equal(page1.items[0].target, 'user admin disabled', 'newest first: the refused self-disable');
    assert.ok(page1.nextCursor);
    const page2 = (await dts(['audit', 'list', '--action', 'auth.setUserDisabled', '--limit', '1', '--cursor', String(page1.nextCursor)])).json() as typeof page1;
    assert.ok(BigInt(page2.items[0].id) < BigInt(page1.items[0].id));
    assert.equal((await dts(['audit', 'list', '--cursor', 'abc'])).code, 2);

    const asViewer = await dts(['audit', 'list'], { DTS_TOKEN: viewerToken });
    assert.equal(asViewer.code, 1);
    assert.match(asViewer.stderr, /Only an administrator can do this/);
  });
});
