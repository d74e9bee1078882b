import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dtsClass, judgeStep, sustainedRps } from './rates';

describe('dtsClass', () => {
  it('is the highest class whose rate is reached', () => {
    assert.equal(dtsClass(null), null);
    assert.equal(dtsClass(199), null);
    assert.equal(dtsClass(200), 'micro');
    assert.equal(dtsClass(4999), 'small');
    assert.equal(dtsClass(5000), 'medium');
    assert.equal(dtsClass(10_999), 'medium');
    assert.equal(dtsClass(11_000), 'large');
    assert.equal(dtsClass(17_000), 'xlarge');
    assert.equal(dtsClass(50_000), 'xlarge');
  });
});

describe('judgeStep', () => {
  it('passes with p99 under 1 s, every point applied and at least 95 % of the rate', () => {
    const v = judgeStep({ targetRps: 5000, achievedRps: 4800, p99Ms: 999, unreached: 0 });
    assert.deepEqual(v, { latencyOk: true, rateReached: true, pass: true, creditRps: 5000, reasons: [] });
  });
  it('stops at p99 of 1 s or more, or points never applied; such a step proves no rate', () => {
    const slow = judgeStep({ targetRps: 5000, achievedRps: 5000, p99Ms: 1000, unreached: 0 });
    assert.equal(slow.pass, false);
    assert.equal(slow.creditRps, null);
    assert.deepEqual(slow.reasons, ['p99 1000 ms >= 1000 ms']);
    const lost = judgeStep({ targetRps: 5000, achievedRps: 5000, p99Ms: 20, unreached: 2 });
    assert.equal(lost.pass, false);
    assert.deepEqual(lost.reasons, ['2 latency point(s) never applied']);
    assert.equal(judgeStep({ targetRps: 5000, achievedRps: 5000, p99Ms: null, unreached: 0 }).pass, false);
  });
  it('stops when the source cannot drive the rate, crediting what it did drive', () => {
    const v = judgeStep({ targetRps: 11_000, achievedRps: 10_386.4, p99Ms: 264, unreached: 0 });
    assert.equal(v.pass, false);
    assert.equal(v.latencyOk, true);
    assert.equal(v.rateReached, false);
    assert.equal(v.creditRps, 10_386.4);
    assert.deepEqual(v.reasons, ['source reached 10386 of 11000 RPS']);
  });
  it('gives every reason when both fail', () => {
    const v = judgeStep({ targetRps: 11_000, achievedRps: 9000, p99Ms: 1500, unreached: 0 });
    assert.deepEqual(v.reasons, ['p99 1500 ms >= 1000 ms', 'source reached 9000 of 11000 RPS']);
    assert.equal(v.creditRps, null);
  });
});

describe('sustainedRps', () => {
  const step = (targetRps: number, achievedRps: number, p99Ms: number) => judgeStep({ targetRps, achievedRps, p99Ms, unreached: 0 });
  it('is the highest credit up to the first step that does not pass', () => {
    assert.equal(sustainedRps([step(2000, 2000, 10), step(5000, 5000, 20), step(8000, 8000, 2000)]), 5000);
    assert.equal(sustainedRps([step(2000, 2000, 10), step(5000, 5000, 20), step(11_000, 10_000, 300)]), 10_000);
    // steps after a failure do not count (the suite stops there anyway)
    assert.equal(sustainedRps([step(2000, 2000, 10), step(5000, 5000, 1200), step(8000, 8000, 10)]), 2000);
  });
  it('is null when the first step already fails on latency', () => {
    assert.equal(sustainedRps([step(2000, 2000, 1500)]), null);
    assert.equal(sustainedRps([]), null);
  });
});
