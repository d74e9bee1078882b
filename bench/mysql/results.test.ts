import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { myFullLoadRows, summarizeMyFullLoad, type MyFullLoadRun } from './results';

const run = (r: Partial<MyFullLoadRun>): MyFullLoadRun => ({
  run: 1,
  peer: 'mydumper',
  status: 'ok',
  seconds: 10,
  secondsToRunning: null,
  rows: 1_000_000,
  bytes: 100 * 1024 * 1024,
  serverCpuSeconds: 5,
  clientCpuSeconds: 1,
  clientPeakRssMb: 20,
  replicatorCpuSeconds: null,
  replicatorPeakRssMb: null,
  verified: 'ok',
  ...r,
});

describe('MySQL full-load summary', () => {
  it('takes medians and the ratio to mydumper of the same run', () => {
    const s = summarizeMyFullLoad([
      run({ run: 1, seconds: 10 }),
      run({ run: 1, peer: 'dts', seconds: 5, secondsToRunning: 6, replicatorCpuSeconds: 3, replicatorPeakRssMb: 200 }),
      run({ run: 2, seconds: 20 }),
      run({ run: 2, peer: 'dts', seconds: 30 }),
      run({ run: 3, peer: 'dts', status: 'failed', seconds: null, error: 'boom' }),
    ]);
    const dts = s.find((x) => x.peer === 'dts');
    assert.equal(dts?.seconds, 17.5);
    assert.equal(dts?.ratioToMydumper, (0.5 + 1.5) / 2);
    assert.equal(dts?.okRuns, 2);
    assert.equal(s[0].rowsPerSecond, 1_000_000 / 15);
    const rows = myFullLoadRows(s, { dts: 'ours' });
    assert.equal(rows[0][4], '1.00×');
    assert.equal(rows[1][0], 'ours');
    assert.match(rows[1][8], /2\/3 ok; Running at 6.0 s/);
  });
  it('reports a peer that never succeeded with its first error', () => {
    const s = summarizeMyFullLoad([run({ peer: 'dump', status: 'timeout', seconds: null, error: 'timed out' })]);
    assert.equal(s[0].status, 'timeout');
    assert.match(myFullLoadRows(s, {})[0][8], /TIMEOUT: timed out/);
  });
});
