import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveness } from './task-liveness';

const at = new Date('2026-12-01T00:00:00Z');
const now = at.getTime() + 60_000;
const sample = { at, latencyMs: 40 };

test('a running task held by a replicator shows its sampled latency', () => {
  assert.deepEqual(liveness({ status: 'Running', desiredState: 'Running' }, true, sample, now), { unowned: false, latencyMs: 40 });
});

test('the latency keeps growing while nothing is applied: paused, retrying, failed, or no replicator', () => {
  for (const status of ['Paused', 'Retrying', 'Failed']) {
    assert.equal(liveness({ status, desiredState: status === 'Paused' ? 'Paused' : 'Running' }, true, sample, now).latencyMs, 60_040, status);
  }
  assert.deepEqual(liveness({ status: 'Running', desiredState: 'Running' }, false, sample, now), { unowned: true, latencyMs: 60_040 });
});

test('only a task that should be running misses its replicator', () => {
  assert.equal(liveness({ status: 'Paused', desiredState: 'Paused' }, false, sample, now).unowned, false);
  assert.equal(liveness({ status: 'Not Started', desiredState: 'Stopped' }, false, null, now).unowned, false);
  assert.equal(liveness({ status: 'Retrying', desiredState: 'Running' }, false, null, now).unowned, true);
});
