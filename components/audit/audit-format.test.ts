// node --import tsx --test components/audit/audit-format.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEntry } from '../data/audit';
import { actorText, auditQuery, EMPTY_FILTER, hasFilter, mergePages, outcomeView } from './audit-format';

function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: '1',
    at: new Date(2026, 10, 22, 18, 41, 11),
    username: 'alice',
    tokenName: null,
    via: 'session',
    action: 'tasks.pause',
    taskId: 'dtsabc',
    target: null,
    outcome: 'ok',
    message: null,
    clientAddress: '10.0.0.5',
    ...over,
  };
}

test('the filters go to audit.list trimmed, and empty ones not at all', () => {
  assert.deepEqual(auditQuery(EMPTY_FILTER), {});
  assert.equal(hasFilter(EMPTY_FILTER), false);
  assert.equal(hasFilter({ ...EMPTY_FILTER, username: '   ' }), false);
  assert.deepEqual(auditQuery({ username: ' Carol ', taskId: 'dtsq3h7c1x2k9a4b ', action: ' tasks.create' }), { username: 'Carol', taskId: 'dtsq3h7c1x2k9a4b', action: 'tasks.create' });
  assert.deepEqual(auditQuery({ ...EMPTY_FILTER, action: 'auth.login' }), { action: 'auth.login' });
});

test('the User column names the token, the browser, or the sign-in of someone not signed in yet', () => {
  assert.deepEqual(actorText(entry({ tokenName: 'ci', via: 'token' })), { name: 'alice', via: 'token "ci"' });
  assert.deepEqual(actorText(entry({ via: 'session' })), { name: 'alice', via: 'browser' });
  assert.deepEqual(actorText(entry({ via: 'token' })), { name: 'alice', via: 'API token' });
  assert.deepEqual(actorText(entry({ username: 'mallory', via: 'none', action: 'auth.login' })), { name: 'mallory', via: 'console sign-in' });
  assert.deepEqual(actorText(entry({ username: 'mallory', via: 'none', action: 'auth.issueToken' })), { name: 'mallory', via: 'sign-in for an API token' });
  assert.deepEqual(actorText(entry({ username: 'mallory', via: 'none', action: 'tasks.pause' })), { name: 'mallory', via: 'not signed in' });
});

test('the Outcome: ok, or the code with the server message as given', () => {
  assert.deepEqual(outcomeView(entry()), { ok: true, label: 'ok', message: null });
  const refused = entry({ outcome: 'FORBIDDEN', message: 'Your role is viewer (read-only): it can see everything and change nothing.' });
  assert.deepEqual(outcomeView(refused), { ok: false, label: 'FORBIDDEN', message: 'Your role is viewer (read-only): it can see everything and change nothing.' });
  assert.deepEqual(outcomeView(entry({ outcome: 'locked', message: null })), { ok: false, label: 'locked', message: null });
});

test('the loaded pages in order, an entry that a refresh moved onto the next page shown once', () => {
  const pages = [{ items: [entry({ id: '9' }), entry({ id: '8' })] }, { items: [entry({ id: '8' }), entry({ id: '7' })] }];
  assert.deepEqual(mergePages(pages).map((e) => e.id), ['9', '8', '7']);
  assert.deepEqual(mergePages([]), []);
});
