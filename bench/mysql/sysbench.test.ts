import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSysbench, sbTables } from './sysbench';

const OUT = `SQL statistics:
    queries performed:
        read:                            0
        write:                           123684
        other:                           61842
        total:                           185526
    transactions:                        30921  (3091.13 per sec.)
    queries:                             185526 (18545.20 per sec.)
    ignored errors:                      2      (0.20 per sec.)
    reconnects:                          0      (0.00 per sec.)

Latency (ms):
         min:                                    0.55
         avg:                                    1.29
         max:                                   40.12
`;

describe('sysbench output', () => {
  it('reads transactions, rate, ignored errors and mean latency', () => {
    assert.deepEqual(parseSysbench(OUT), { transactions: 30921, tps: 3091.13, ignoredErrors: 2, latencyAvgMs: 1.29 });
  });
  it('gives nulls for what is missing', () => {
    assert.deepEqual(parseSysbench('FATAL: error'), { transactions: null, tps: null, ignoredErrors: null, latencyAvgMs: null });
  });
  it('names the tables as sysbench does', () => {
    assert.deepEqual(sbTables(3), ['sbtest1', 'sbtest2', 'sbtest3']);
  });
});
