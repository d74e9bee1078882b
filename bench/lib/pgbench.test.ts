import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePgbench } from './pgbench';

/** pgbench's report of one of several scripts */
const scriptBlock = (i: number, transactions: number, share: number, tps: number) => `SQL script ${i}: /tmp/mdl-uywgWp/script-${i}.sql
 - weight: 1 (targets 33.3% of total)
 - ${transactions} transactions (${share}% of total, tps = ${tps})
 - number of failed transactions: 0 (0.000%)
 - latency average = 1.043 ms
 - latency stddev = 0.968 ms
`;

const MULTI = `pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: multiple scripts
scaling factor: 1
query mode: simple
number of clients: 16
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 4744
number of failed transactions: 0 (0.000%)
latency average = 1.132 ms
latency stddev = 1.241 ms
rate limit schedule lag: avg 0.136 (max 5.072) ms
initial connection time = 93.589 ms
tps = 961.881395 (without initial connection time)
${[
  [1598, 33.7, 324.006423],
  [1534, 32.3, 311.029945],
  [1612, 34.0, 326.845027],
]
  .map(([n, share, tps], i) => scriptBlock(i + 1, n, share, tps))
  .join('')}`;

describe('parsePgbench', () => {
  it('reads the totals, the schedule lag and each script of a multi-script run', () => {
    assert.deepEqual(parsePgbench(MULTI), { transactions: 4744, tps: 961.881395, latencyAvgMs: 1.132, scheduleLagAvgMs: 0.136, perScript: [1598, 1534, 1612] });
  });
  it('reads a one-script run, and gives null for what is missing', () => {
    const one = 'number of transactions actually processed: 12\nlatency average = 2.5 ms\ntps = 40.1 (without initial connection time)\n';
    assert.deepEqual(parsePgbench(one), { transactions: 12, tps: 40.1, latencyAvgMs: 2.5, scheduleLagAvgMs: null, perScript: [] });
    assert.deepEqual(parsePgbench(''), { transactions: null, tps: null, latencyAvgMs: null, scheduleLagAvgMs: null, perScript: [] });
  });
});
