import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nativeParallelThreads } from './native';

describe('native replica parallelism', () => {
  it('defaults to one SQL thread and reads BENCH_MY_SLAVE_PARALLEL', () => {
    assert.equal(nativeParallelThreads({}), 0);
    assert.equal(nativeParallelThreads({ BENCH_MY_SLAVE_PARALLEL: '' }), 0);
    assert.equal(nativeParallelThreads({ BENCH_MY_SLAVE_PARALLEL: '4' }), 4);
    assert.throws(() => nativeParallelThreads({ BENCH_MY_SLAVE_PARALLEL: 'x' }), /whole number 0..256, got x/);
    assert.throws(() => nativeParallelThreads({ BENCH_MY_SLAVE_PARALLEL: '-1' }), /whole number/);
  });
});
