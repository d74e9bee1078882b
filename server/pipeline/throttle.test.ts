import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Throttle } from './throttle';

it('holds rows per second under the limit', async () => {
  const t = new Throttle(1000, 0);
  const start = Date.now();
  for (let i = 0; i < 10; i++) await t.take(100, 0);
  const secs = (Date.now() - start) / 1000;
  // 1,000 rows at 1,000 rows/s: about one second (the first batch passes at once)
  assert.ok(secs >= 0.85 && secs < 2, `took ${secs} s`);
});

it('holds bytes per second under the limit', async () => {
  const t = new Throttle(0, 10_000);
  const start = Date.now();
  for (let i = 0; i < 5; i++) await t.take(0, 2_000);
  const secs = (Date.now() - start) / 1000;
  assert.ok(secs >= 0.9 && secs < 2, `took ${secs} s`);
});

it('does not wait without limits', async () => {
  const t = new Throttle(0, 0);
  const start = Date.now();
  for (let i = 0; i < 1000; i++) await t.take(1e6, 1e9);
  assert.ok(Date.now() - start < 100);
});
