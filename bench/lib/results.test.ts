import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeCatchup, summarizeFullLoad, type CatchupResult, type CatchupRun, type FullLoadRun } from './results';

const run = (peer: FullLoadRun['peer'], r: number, seconds: number | null, o: Partial<FullLoadRun> = {}): FullLoadRun => ({
  workload: 'wide',
  run: r,
  peer,
  status: seconds === null ? 'failed' : 'ok',
  seconds,
  secondsToRunning: null,
  rows: 1000,
  bytes: 10 * 1024 * 1024,
  serverCpuSeconds: 1,
  clientCpuSeconds: null,
  clientPeakRssMb: null,
  replicatorCpuSeconds: null,
  replicatorPeakRssMb: null,
  verified: 'ok',
  ...o,
});

describe('summarizeFullLoad', () => {
  it('takes medians over ok runs and the median of per-run ratios to raw', () => {
    const runs = [run('raw', 1, 2), run('dts', 1, 4), run('raw', 2, 4), run('dts', 2, 4), run('raw', 3, 1), run('dts', 3, 3)];
    const [raw, dts] = summarizeFullLoad(runs);
    assert.equal(raw.seconds, 2);
    assert.equal(raw.rowsPerSecond, 500);
    assert.equal(raw.mbPerSecond, 5);
    // per run: 2, 1, 3 -> median 2 (the ratio of medians would be 4/2 = 2 too, by chance)
    assert.equal(dts.ratioToRaw, 2);
    assert.equal(dts.seconds, 4);
  });
  it('leaves failed runs out of the medians and keeps the reason when every run failed', () => {
    const runs = [run('raw', 1, 2), run('pgcopydb', 1, null, { error: 'boom' }), run('raw', 2, 2), run('dts', 2, 3), run('dts', 1, null, { status: 'timeout', error: 'late' })];
    const s = summarizeFullLoad(runs);
    const pgcopydb = s.find((x) => x.peer === 'pgcopydb');
    assert.equal(pgcopydb?.status, 'failed');
    assert.equal(pgcopydb?.error, 'boom');
    assert.equal(pgcopydb?.seconds, null);
    const dts = s.find((x) => x.peer === 'dts');
    assert.deepEqual([dts?.status, dts?.okRuns, dts?.runs, dts?.seconds, dts?.ratioToRaw], ['ok', 1, 2, 3, 1.5]);
  });
  it('has no ratio for a run whose raw pipe failed', () => {
    const s = summarizeFullLoad([run('raw', 1, null), run('dts', 1, 3)]);
    assert.equal(s.find((x) => x.peer === 'dts')?.ratioToRaw, null);
  });
});

describe('summarizeCatchup', () => {
  const res = (peer: CatchupResult['peer'], seconds: number | null): CatchupResult => ({
    peer,
    status: seconds === null ? 'failed' : 'ok',
    seconds,
    lsnSeconds: seconds,
    serverCpuSeconds: 1,
    replicatorCpuSeconds: null,
    replicatorPeakRssMb: null,
    verified: 'ok',
  });
  const cr = (r: number, changes: number, dts: number | null, native: number | null): CatchupRun => ({
    run: r,
    status: 'ok',
    pgbenchSeconds: 60,
    transactions: changes / 2,
    tps: 1,
    changes,
    lsn: '0/1',
    walBytes: 1,
    order: ['dts', 'native'],
    results: [res('dts', dts), res('native', native)],
  });
  it('gives rows/s per follower and the median ours/native ratio of the same runs', () => {
    const [native, dts] = summarizeCatchup([cr(1, 1000, 2, 1), cr(2, 1200, 6, 2), cr(3, 900, 3, 3)]);
    assert.equal(native.peer, 'native');
    assert.equal(native.seconds, 2);
    assert.equal(native.ratioToNative, null);
    assert.equal(dts.seconds, 3);
    assert.equal(dts.changes, 1000);
    // rows/s per run: 500, 200, 300
    assert.equal(dts.rowsPerSecond, 300);
    // ratios: 2, 3, 1
    assert.equal(dts.ratioToNative, 2);
  });
  it('skips the ratio of a run where native failed', () => {
    const [, dts] = summarizeCatchup([cr(1, 1000, 2, null)]);
    assert.equal(dts.ratioToNative, null);
  });
});
