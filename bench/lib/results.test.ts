import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FollowerName } from './followers';
import type { IntervalFigures, LatencyFigures } from './measure';
import { dtsClass, judgeStep, sustainedRps } from './rates';
import {
  summarizeBigtxn,
  summarizeCatchup,
  summarizeFullLoad,
  summarizeModel,
  summarizeSteady,
  type BigtxnResult,
  type CatchupResult,
  type CatchupRun,
  type FullLoadRun,
  type IntervalResult,
  type ModelRun,
  type ModelStep,
  type SteadyRun,
} from './results';

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

describe('summarizeSteady', () => {
  const lat = (p50Ms: number, p99Ms: number, unreached = 0): LatencyFigures => ({ points: 50, p50Ms, p99Ms, maxMs: p99Ms + 1, unreached });
  const fig = (peer: FollowerName, rateTps: number, p50: number, p99: number, o: Partial<IntervalFigures> = {}): IntervalFigures => ({
    peer,
    rateTps,
    seconds: 60,
    pgbench: { transactions: rateTps * 60, tps: rateTps, latencyAvgMs: 1, scheduleLagAvgMs: 0.1, perScript: [] },
    changes: { ins: rateTps * 60, upd: rateTps * 60, del: 0 },
    rowsPerSecond: rateTps * 2,
    latency: lat(p50, p99),
    serverCpuSeconds: 10,
    replicatorCpuSeconds: peer === 'dts' ? 5 : null,
    replicatorPeakRssMb: peer === 'dts' ? 200 : null,
    ...o,
  });
  const res = (f: IntervalFigures): IntervalResult => ({ peer: f.peer, rateTps: f.rateTps, status: 'ok', figures: f });
  it('gives one row per rate and follower, native first, with per-run ratios of ours to native', () => {
    const runs: SteadyRun[] = [
      { run: 1, status: 'ok', order: ['dts', 'native'], results: [res(fig('dts', 500, 20, 40)), res(fig('native', 500, 10, 20)), res(fig('dts', 2000, 30, 90)), res(fig('native', 2000, 10, 30))] },
      { run: 2, status: 'ok', order: ['native', 'dts'], results: [res(fig('native', 500, 10, 10)), res(fig('dts', 500, 30, 40)), res(fig('native', 2000, 10, 30)), res(fig('dts', 2000, 30, 60))] },
    ];
    const s = summarizeSteady(runs);
    assert.deepEqual(s.map((x) => [x.rateTps, x.peer]), [[500, 'native'], [500, 'dts'], [2000, 'native'], [2000, 'dts']]);
    const ours500 = s[1];
    assert.equal(ours500.p50Ms, 25);
    assert.equal(ours500.p99Ms, 40);
    // run 1: 40/20 = 2, run 2: 40/10 = 4 -> 3
    assert.equal(ours500.p99VsNative, 3);
    assert.equal(ours500.p50VsNative, 2.5);
    assert.equal(ours500.rowsPerSecond, 1000);
    assert.equal(ours500.replicatorPeakRssMb, 200);
    assert.equal(s[0].p99VsNative, null);
  });
  it('keeps failures and sums never-applied points', () => {
    const runs: SteadyRun[] = [
      { run: 1, status: 'ok', order: ['dts', 'native'], results: [res(fig('dts', 500, 20, 40, { latency: lat(20, 40, 3) })), { peer: 'native', rateTps: 500, status: 'timeout', error: 'late', figures: null }] },
    ];
    const [native, dts] = summarizeSteady(runs);
    assert.equal(dts.unreached, 3);
    assert.equal(dts.p99VsNative, null);
    assert.equal(native.status, 'timeout');
    assert.equal(native.error, 'late');
  });
});

describe('summarizeModel', () => {
  const step = (targetRps: number, achieved: number, p99: number): ModelStep => {
    const verdict = judgeStep({ targetRps, achievedRps: achieved, p99Ms: p99, unreached: 0 });
    return {
      peer: 'dts',
      rateTps: targetRps / 2,
      targetRps,
      status: 'ok',
      figures: {
        peer: 'dts',
        rateTps: targetRps / 2,
        seconds: 30,
        pgbench: { transactions: null, tps: null, latencyAvgMs: null, scheduleLagAvgMs: null, perScript: [] },
        changes: { ins: achieved * 15, upd: achieved * 5, del: achieved * 10 },
        rowsPerSecond: achieved,
        latency: { points: 140, p50Ms: p99 / 2, p99Ms: p99, maxMs: p99, unreached: 0 },
        serverCpuSeconds: 20,
        replicatorCpuSeconds: 8,
        replicatorPeakRssMb: 300,
      },
      verdict,
      counts: 'exact',
    };
  };
  const modelRun = (run: number, steps: ModelStep[]): ModelRun => {
    const sustained = sustainedRps(steps.map((s) => s.verdict).filter((v) => v !== null));
    return { run, status: 'ok', steps, sustainedRps: sustained, dtsClass: dtsClass(sustained) };
  };
  it('summarizes each step over the runs that reached it, and the median sustained rate and its class', () => {
    const m = summarizeModel([
      modelRun(1, [step(2000, 2000, 10), step(5000, 5000, 100), step(8000, 7000, 300)]),
      modelRun(2, [step(2000, 2000, 20), step(5000, 5000, 1200)]),
      modelRun(3, [step(2000, 2000, 30), step(5000, 5000, 200), step(8000, 8000, 400), step(11_000, 9000, 500)]),
    ]);
    assert.deepEqual(m.steps.map((s) => [s.targetRps, s.runs, s.passed]), [[2000, 3, 3], [5000, 3, 2], [8000, 2, 1], [11_000, 1, 0]]);
    assert.equal(m.steps[0].p99Ms, 20);
    assert.deepEqual(m.steps[1].reasons, ['p99 1200 ms >= 1000 ms']);
    assert.deepEqual(m.steps[2].reasons, ['source reached 7000 of 8000 RPS']);
    // sustained per run: 7000, 2000, 9000 -> 7000 (medium)
    assert.equal(m.sustainedRps, 7000);
    assert.equal(m.dtsClass, 'medium');
  });
});

describe('summarizeBigtxn', () => {
  const big = (peer: FollowerName, applySeconds: number, peak: number | null, o: Partial<BigtxnResult> = {}): BigtxnResult => ({
    peer,
    status: 'ok',
    rows: 2_000_000,
    updateSeconds: 10,
    walBytes: 400 * 1024 * 1024,
    applySeconds,
    replicatorPeakRssMb: peak,
    replicatorBaseRssMb: peak === null ? null : 200,
    replicatorCpuSeconds: peak === null ? null : 30,
    serverCpuSeconds: 40,
    markers: { points: 100, p50Ms: applySeconds * 500, p99Ms: applySeconds * 1000, maxMs: applySeconds * 1000, unreached: 0 },
    ...o,
  });
  it('gives native first, medians over ok runs, rows/s from each run and the per-run ratio of ours to native', () => {
    const s = summarizeBigtxn([
      { run: 1, status: 'ok', order: ['dts', 'native'], results: [big('dts', 40, 500), big('native', 20, null)] },
      { run: 2, status: 'ok', order: ['native', 'dts'], results: [big('native', 50, null), big('dts', 50, 700)] },
      { run: 3, status: 'ok', order: ['dts', 'native'], results: [big('dts', 0, 0, { status: 'failed', error: 'x' }), big('native', 30, null)] },
    ]);
    assert.deepEqual(s.map((x) => x.peer), ['native', 'dts']);
    const [native, dts] = s;
    assert.equal(native.applySeconds, 30);
    assert.equal(native.applyVsNative, null);
    assert.equal(dts.status, 'ok');
    assert.equal(dts.okRuns, 2);
    assert.equal(dts.applySeconds, 45);
    assert.equal(dts.replicatorPeakRssMb, 600);
    assert.equal(dts.rowsPerSecond, (50_000 + 40_000) / 2);
    assert.equal(dts.walMb, 400);
    assert.equal(dts.markerP99Ms, 45_000);
    // run 1: 40/20 = 2, run 2: 50/50 = 1 -> 1.5
    assert.equal(dts.applyVsNative, 1.5);
  });
  it('is empty without runs', () => {
    assert.deepEqual(summarizeBigtxn([]), []);
  });
});
