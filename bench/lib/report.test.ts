import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bigtxnRows, catchupRows, fmt, fmtRatio, formatMarkdown, formatTable, fullLoadRows, modelRows, steadyRows } from './report';
import type { BigtxnSummary, CatchupSummary, FullLoadSummary, SteadySummary } from './results';

describe('fmt', () => {
  it('rounds, separates thousands and shows missing values as a dash', () => {
    assert.equal(fmt(1234567.891, 1), '1,234,567.9');
    assert.equal(fmt(2, 2), '2.00');
    assert.equal(fmt(null), '—');
    assert.equal(fmt(Number.NaN), '—');
    assert.equal(fmtRatio(1.234), '1.23×');
    assert.equal(fmtRatio(null), '—');
  });
});

describe('formatTable', () => {
  it('aligns the first column left and the others right', () => {
    const t = formatTable(['peer', 'seconds'], [['raw', '1.00'], ['pgcopydb', '12.50']]);
    assert.equal(t, ['peer      seconds', '--------  -------', 'raw          1.00', 'pgcopydb    12.50'].join('\n'));
  });
  it('makes Markdown with escaped pipes', () => {
    assert.equal(formatMarkdown(['a', 'b'], [['x|y', '1']]), '| a | b |\n| --- | ---: |\n| x\\|y | 1 |');
  });
});

const full = (o: Partial<FullLoadSummary>): FullLoadSummary => ({
  workload: 'pgbench',
  peer: 'raw',
  status: 'ok',
  okRuns: 3,
  runs: 3,
  seconds: 10,
  secondsToRunning: null,
  rowsPerSecond: 1000,
  mbPerSecond: 50,
  ratioToRaw: 1,
  serverCpuSeconds: 12,
  clientCpuSeconds: 3,
  clientPeakRssMb: 20,
  replicatorCpuSeconds: null,
  replicatorPeakRssMb: null,
  ...o,
});

describe('fullLoadRows', () => {
  it('shows the replicator figures for ours, client figures for peers, and failures with their reason', () => {
    const rows = fullLoadRows(
      [
        full({}),
        full({ peer: 'dts', ratioToRaw: 1.5, replicatorCpuSeconds: 8, replicatorPeakRssMb: 150, clientCpuSeconds: null, secondsToRunning: 10.4 }),
        full({ peer: 'pgcopydb', status: 'failed', okRuns: 0, error: 'pgcopydb exited with 12', seconds: null, rowsPerSecond: null }),
        full({ peer: 'subscription', okRuns: 2 }),
      ],
      { raw: 'raw pipe' },
    );
    assert.deepEqual(rows[0].slice(0, 5), ['raw pipe', '10.00', '1,000', '50.0', '1.00×']);
    assert.deepEqual(rows[1].slice(4), ['1.50×', '12.0', '8.0', '150', 'Running at 10.4 s']);
    assert.equal(rows[2][1], '—');
    assert.equal(rows[2][8], 'FAILED: pgcopydb exited with 12');
    assert.equal(rows[3][8], '2/3 ok');
  });
});

describe('catchupRows', () => {
  it('puts the ours/native ratio on our row', () => {
    const base: CatchupSummary = {
      peer: 'native',
      status: 'ok',
      okRuns: 1,
      runs: 1,
      seconds: 4,
      lsnSeconds: 4.2,
      changes: 100_000,
      rowsPerSecond: 25_000,
      serverCpuSeconds: 5,
      replicatorCpuSeconds: null,
      replicatorPeakRssMb: null,
      ratioToNative: null,
    };
    const rows = catchupRows([base, { ...base, peer: 'dts', seconds: 6, ratioToNative: 1.5, replicatorCpuSeconds: 4, replicatorPeakRssMb: 120 }], {});
    assert.deepEqual(rows[0].slice(0, 5), ['native', '4.00', '100,000', '25,000', '1.00×']);
    assert.deepEqual(rows[1].slice(4, 9), ['1.50×', '4.20', '5.0', '4.0', '120']);
  });
});

describe('steadyRows, modelRows and bigtxnRows', () => {
  it('shows latency and the ours/native ratio on our row, and points never applied', () => {
    const base: SteadySummary = {
      rateTps: 500,
      peer: 'native',
      status: 'ok',
      okRuns: 1,
      runs: 1,
      rowsPerSecond: 1000.4,
      p50Ms: 10.2,
      p99Ms: 20,
      maxMs: 25,
      unreached: 0,
      p50VsNative: null,
      p99VsNative: null,
      serverCpuSeconds: 3,
      replicatorCpuSeconds: null,
      replicatorPeakRssMb: null,
    };
    const rows = steadyRows([base, { ...base, peer: 'dts', p99VsNative: 2, p50VsNative: 1.5, unreached: 2, replicatorCpuSeconds: 2.5, replicatorPeakRssMb: 230 }], { dts: 'ours', native: 'native' });
    assert.deepEqual(rows[0], ['native', '500', '1,000', '10', '20', '25', '1.00×', '3.0', '—', '—', '']);
    assert.deepEqual(rows[1].slice(6), ['2.00×', '3.0', '2.5', '230', '2 point(s) never applied; p50 1.50× native']);
  });
  it('shows each model step with pgbench -R, passes and the reason it stopped', () => {
    const rows = modelRows({
      steps: [
        { targetRps: 11_000, runs: 2, passed: 1, achievedRps: 10_386, p50Ms: 163, p99Ms: 264, maxMs: 270, replicatorCpuSeconds: 1.1, replicatorPeakRssMb: 341, reasons: ['source reached 10386 of 11000 RPS'] },
      ],
      sustainedRps: 10_386,
      dtsClass: 'medium',
    });
    assert.deepEqual(rows[0], ['11,000', '5,500', '10,386', '163', '264', '270', '1.1', '341', '1/2', 'source reached 10386 of 11000 RPS']);
  });
  it('shows the big transaction, one row per follower', () => {
    const s: BigtxnSummary = {
      peer: 'dts',
      applyVsNative: 0.5,
      status: 'ok',
      okRuns: 1,
      runs: 1,
      rows: 200_000,
      updateSeconds: 0.7,
      applySeconds: 4.5,
      rowsPerSecond: 44_186,
      walMb: 78,
      replicatorPeakRssMb: 305,
      replicatorBaseRssMb: 192,
      replicatorCpuSeconds: 1.6,
      serverCpuSeconds: 4.8,
      markerP50Ms: 6,
      markerP99Ms: 4433,
      markerMaxMs: 4433,
    };
    const rows = bigtxnRows([{ ...s, peer: 'native', applyVsNative: null, replicatorPeakRssMb: null, replicatorBaseRssMb: null, replicatorCpuSeconds: null }, s], { dts: 'ours' });
    assert.deepEqual(rows[0].slice(0, 6), ['native', '200,000', '0.7', '4.5', '44,186', '1.00×']);
    assert.deepEqual(rows[1], ['ours', '200,000', '0.7', '4.5', '44,186', '0.50×', '78', '4.8', '1.6', '305', '192', '6', '4,433', '']);
  });
});
