// node --import tsx --test server/engines/postgres/retained.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slotFigure } from './retained';

const row = (over: Partial<NonNullable<Parameters<typeof slotFigure>[1]>> = {}) => ({ slot: 'dts_sync_t', found: true, invalidated: false, bytes: '1048576', wal_status: 'reserved', safe_bytes: null, ...over });

test('a slot keeps the WAL from its restart_lsn, with wal_status and safe_wal_size', () => {
  assert.deepEqual(slotFigure('t', row({ safe_bytes: '4096' })), { taskId: 't', bytes: 1048576, walStatus: 'reserved', safeBytes: 4096, note: null });
  assert.equal(slotFigure('t', row({ wal_status: null })).walStatus, null, 'PostgreSQL 12 and older: no wal_status');
});

test('no slot, a lost one, an unreserved one and an unknown position say so', () => {
  const none = slotFigure('t', undefined);
  assert.equal(none.bytes, 0);
  assert.match(none.note ?? '', /No replication slot dts_sync_t/);
  const lost = slotFigure('t', row({ invalidated: true, bytes: null, wal_status: 'lost' }));
  assert.equal(lost.bytes, 0);
  assert.match(lost.note ?? '', /lost WAL.*cannot resume/);
  assert.match(slotFigure('t', row({ wal_status: 'unreserved' })).note ?? '', /max_slot_wal_keep_size/);
  const standby = slotFigure('t', row({ bytes: null }));
  assert.equal(standby.bytes, null);
  assert.match(standby.note ?? '', /standby/);
});
