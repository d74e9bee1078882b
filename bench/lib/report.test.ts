import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catchupRows, fmt, fmtRatio, formatMarkdown, formatTable, fullLoadRows } from './report';
import type { CatchupSummary, FullLoadSummary } from './results';

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
