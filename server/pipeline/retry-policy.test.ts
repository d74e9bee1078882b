import assert from 'node:assert/strict';
import { it } from 'node:test';
import { nextBackoff, retryVerdict } from './retry-policy';

const t0 = new Date('2026-01-01T00:00:00Z');
const after = (min: number) => new Date(t0.getTime() + min * 60_000);

it('connection errors use Retry Time for Failed Connections (default 720 min)', () => {
  assert.equal(retryVerdict('connection', t0, after(719), {}).failed, false);
  assert.equal(retryVerdict('connection', t0, after(720), {}).failed, true);
  const v = retryVerdict('connection', t0, after(31), { retryConnectionMinutes: 30, retryOtherMinutes: 5 });
  assert.equal(v.failed, true);
  assert.equal(v.windowMinutes, 30);
  assert.equal(v.settingName, 'Retry Time for Failed Connections');
});

it('other errors use the shorter window (default 10 min)', () => {
  assert.equal(retryVerdict('other', t0, after(9.9), {}).failed, false);
  assert.equal(retryVerdict('other', t0, after(10), {}).failed, true);
  assert.equal(retryVerdict('other', t0, after(4), { retryConnectionMinutes: 720, retryOtherMinutes: 5 }).failed, false);
  assert.equal(retryVerdict('other', t0, after(5), { retryConnectionMinutes: 720, retryOtherMinutes: 5 }).failed, true);
});

it('backs off from 1 s, doubling to 30 s', () => {
  const seq: number[] = [];
  let b: number | null = null;
  for (let i = 0; i < 8; i++) seq.push((b = nextBackoff(b)));
  assert.deepEqual(seq, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
});
