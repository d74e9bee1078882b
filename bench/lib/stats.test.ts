import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, percentile, perSecond, ratio, summaryStatus } from './stats';

describe('median', () => {
  it('takes the middle value of an odd count, the mean of the two middle ones of an even count', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
  });
  it('ignores missing and non-finite values; null when nothing is left', () => {
    assert.equal(median([null, 5, undefined, Number.NaN, 1]), 3);
    assert.equal(median([]), null);
    assert.equal(median([null, undefined]), null);
  });
  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    assert.deepEqual(xs, [3, 1, 2]);
  });
});

describe('ratio and perSecond', () => {
  it('divides, or gives null without a positive divisor', () => {
    assert.equal(ratio(3, 2), 1.5);
    assert.equal(ratio(3, 0), null);
    assert.equal(ratio(null, 2), null);
    assert.equal(ratio(3, undefined), null);
    assert.equal(perSecond(1000, 4), 250);
  });
});

describe('summaryStatus', () => {
  it('is ok when one run is', () => {
    assert.deepEqual(summaryStatus([{ status: 'failed', error: 'x' }, { status: 'ok' }]), { status: 'ok', okRuns: 1, runs: 2 });
  });
  it('reports the first failure when no run is ok', () => {
    assert.deepEqual(summaryStatus([{ status: 'timeout', error: 'late' }, { status: 'failed', error: 'x' }]), { status: 'timeout', okRuns: 0, runs: 2, error: 'late' });
  });
});

describe('percentile', () => {
  it('takes the nearest rank: always an observed value', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile(xs, 100), 100);
    assert.equal(percentile([5, 1, 3], 50), 3);
    // 41 points: the 99th percentile is the largest
    assert.equal(percentile(Array.from({ length: 41 }, (_, i) => i), 99), 40);
    assert.equal(percentile([7], 1), 7);
  });
  it('ignores missing values; null when none; refuses a p outside (0, 100]', () => {
    assert.equal(percentile([null, 2, Number.NaN, 4], 50), 2);
    assert.equal(percentile([], 99), null);
    assert.throws(() => percentile([1], 0), /not in/);
    assert.throws(() => percentile([1], 101), /not in/);
  });
});
