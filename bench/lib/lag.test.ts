import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLsn, pointLatencies, type Sample } from './lag';

const s = (t: number, pos: number): Sample => ({ t, pos: BigInt(pos) });

describe('parseLsn', () => {
  it('reads both halves as hex', () => {
    assert.equal(parseLsn('0/0'), 0n);
    assert.equal(parseLsn('0/16B3748'), 0x16b3748n);
    assert.equal(parseLsn('1/0'), 1n << 32n);
    assert.equal(parseLsn(' 16/B374D848 '), (0x16n << 32n) | 0xb374d848n);
  });
  it('refuses what is not an LSN', () => {
    assert.throws(() => parseLsn('16-B374'), /not an LSN/);
    assert.throws(() => parseLsn(''), /not an LSN/);
  });
});

describe('pointLatencies', () => {
  it('takes the crossing halfway between the last observation below and the first at or past', () => {
    // point at t=100 with position 50; observed 40 at t=120 and 60 at t=140: crossed at ~130
    const r = pointLatencies([s(100, 50)], [s(90, 10), s(120, 40), s(140, 60)]);
    assert.deepEqual(r, { latenciesMs: [30], unreached: 0 });
  });
  it('never puts the crossing before the point itself', () => {
    // the last observation below (t=80) is older than the point (t=100): crossed within 100..110
    assert.deepEqual(pointLatencies([s(100, 50)], [s(80, 10), s(110, 50)]).latenciesMs, [5]);
    // no observation before: the same
    assert.deepEqual(pointLatencies([s(100, 50)], [s(110, 70)]).latenciesMs, [5]);
  });
  it('gives 0 when the follower was already past the position at the point time', () => {
    assert.deepEqual(pointLatencies([s(100, 50)], [s(90, 50), s(110, 60)]).latenciesMs, [0]);
  });
  it('counts points never reached', () => {
    const r = pointLatencies([s(100, 50), s(300, 90), s(500, 200)], [s(120, 60), s(320, 100), s(520, 150)]);
    assert.deepEqual(r.latenciesMs, [10, 10]);
    assert.equal(r.unreached, 1);
  });
  it('works on a series: each point against the same observations, whatever the input order', () => {
    const obs = [s(0, 0), s(10, 0), s(20, 100), s(30, 100), s(40, 200), s(50, 300)];
    const pts = [s(25, 200), s(0, 100), s(15, 100)];
    // 100 crossed in (10, 20] -> 15: points at 0 and 15 wait 15 and 0..5 -> 15 and (15+20)/2-15 = 2.5;
    // 200 crossed in (30, 40]: point at 25 -> (30+40)/2 - 25 = 10
    assert.deepEqual(pointLatencies(pts, obs).latenciesMs, [15, 2.5, 10]);
  });
  it('reads an observation below an earlier one as the earlier position (progress never goes back)', () => {
    // the second observation (40) is stale; the follower was already at 60 at t=110
    assert.deepEqual(pointLatencies([s(100, 55)], [s(90, 10), s(110, 60), s(120, 40), s(130, 70)]).latenciesMs, [5]);
  });
  it('returns nothing for no points', () => {
    assert.deepEqual(pointLatencies([], [s(1, 1)]), { latenciesMs: [], unreached: 0 });
    assert.deepEqual(pointLatencies([s(1, 1)], []), { latenciesMs: [], unreached: 1 });
  });
});
