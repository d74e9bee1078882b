import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameValue } from './value-compare';

test('equal values written two ways are the same', () => {
  assert.ok(sameValue('0.00', 0));
  assert.ok(sameValue('12.50', 12.5));
  assert.ok(sameValue('-0.0', '0'));
  assert.ok(sameValue('t', true));
  assert.ok(sameValue('2026-01-01 10:00:00+00', '2026-01-01T10:00:00+00:00'));
  assert.ok(sameValue('2026-01-01 12:00:00+02', '2026-01-01T10:00:00Z'));
  assert.ok(sameValue('2026-01-01 10:00:00.120', '2026-01-01T10:00:00.12'));
  assert.ok(sameValue('{"b": 1, "a": [1, 2]}', { a: [1, 2], b: 1 }));
  assert.ok(sameValue(null, null));
});

test('different values stay different', () => {
  assert.ok(!sameValue('0.01', 0));
  assert.ok(!sameValue('t', false));
  assert.ok(!sameValue('2026-01-01 10:00:00+00', '2026-01-01T10:00:01+00:00'));
  assert.ok(!sameValue('2026-01-01 10:00:00', '2026-01-01T10:00:00+00:00'), 'with and without a zone are not compared as instants');
  assert.ok(!sameValue('{"a": 1}', { a: 2 }));
  assert.ok(!sameValue('', null), 'an empty string is not NULL');
  assert.ok(!sameValue('abc', 'abd'));
});
