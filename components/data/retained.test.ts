// node --import tsx --test components/data/retained.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { releaseFreesText, retainedLevel, retainedText, retainedTitle, walStatusText, type Retained } from './retained';

const MB = 1024 ** 2;
const GB = 1024 ** 3;

function wal(over: Partial<Retained> = {}): Retained {
  return { kind: 'wal', bytes: 16 * MB, at: new Date(2026, 10, 22, 18, 41, 11), walStatus: 'reserved', safeBytes: null, note: null, ...over };
}

test('the figure reads as the list shows it: "1.0 GB", "unknown" with a note, "-" when never measured', () => {
  assert.equal(retainedText(wal({ bytes: 1042 * MB })), '1.0 GB');
  assert.equal(retainedText(wal({ bytes: 20 * MB + 1 })), '20.0 MB');
  assert.equal(retainedText(wal({ bytes: 0 })), '0 B');
  assert.equal(retainedText(wal({ bytes: null, note: 'no privilege' })), 'unknown');
  assert.equal(retainedText(null), '-');
});

test('amber over 1 GB or past max_wal_size, red over 10 GB or when the slot is losing its WAL', () => {
  assert.equal(retainedLevel(null), 'ok');
  assert.equal(retainedLevel(wal({ bytes: GB - 1 })), 'ok');
  assert.equal(retainedLevel(wal({ bytes: GB })), 'warn');
  assert.equal(retainedLevel(wal({ bytes: 1042 * MB })), 'warn');
  assert.equal(retainedLevel(wal({ bytes: 10 * GB })), 'danger');
  assert.equal(retainedLevel(wal({ bytes: 10 * MB, walStatus: 'extended' })), 'warn');
  assert.equal(retainedLevel(wal({ bytes: 10 * MB, walStatus: 'unreserved' })), 'danger');
  assert.equal(retainedLevel(wal({ bytes: 0, walStatus: 'lost' })), 'danger');
  assert.equal(retainedLevel({ kind: 'binlog', bytes: 2 * GB, at: new Date(), walStatus: null, safeBytes: null, note: null }), 'warn');
  assert.equal(retainedLevel(wal({ bytes: null })), 'ok');
});

test('the tooltip has what it is, the time it was measured, wal_status and the note', () => {
  const t = retainedTitle(wal({ safeBytes: 3 * GB, note: 'resume soon' }));
  assert.match(t, /replication slot/);
  assert.match(t, /Measured at 2026-11-22 18:41:11/);
  assert.match(t, /wal_status reserved, safe_wal_size 3\.0 GB/);
  assert.match(t, /resume soon/);
  assert.equal(retainedTitle(null), 'Not measured yet');
  const b = retainedTitle({ kind: 'binlog', bytes: null, at: null, walStatus: null, safeBytes: null, note: 'unknown: may not run SHOW BINARY LOGS' });
  assert.match(b, /Binlog files/);
  assert.match(b, /Not measured yet/);
  assert.match(b, /SHOW BINARY LOGS/);
  assert.doesNotMatch(b, /wal_status/);
  assert.equal(walStatusText(wal({ walStatus: null })), null);
});

test('the details say that Release frees it', () => {
  assert.match(releaseFreesText(wal()), /Release drops the replication slot and frees this WAL/);
  assert.match(releaseFreesText({ ...wal(), kind: 'binlog' }), /Release frees it/);
});
