import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_RPS, parseArgs, PEERS, SUITES } from './args';

describe('parseArgs', () => {
  it('defaults to 3 runs of every suite, peer and workload at full scale', () => {
    const o = parseArgs([]);
    assert.equal(o.runs, 3);
    assert.equal(o.quick, false);
    assert.deepEqual(o.only, [...SUITES]);
    assert.deepEqual(o.only, ['fullload', 'catchup', 'steady', 'model', 'bigtxn']);
    assert.deepEqual(o.peers, [...PEERS]);
    assert.equal(o.pgbenchScale, 50);
    assert.equal(o.wideRows, 500_000);
    assert.equal(o.mixedRows, 2_000_000);
    assert.equal(o.catchupSeconds, 60);
    assert.equal(o.writeResults, true);
    assert.deepEqual([o.steadySeconds, o.steadyScale, o.modelSeconds, o.modelRows, o.bigtxnRows], [60, 50, 30, 10_000, 2_000_000]);
    assert.deepEqual(o.steadyRates, [500, 2000]);
    assert.deepEqual(o.modelRps, MODEL_RPS);
    assert.deepEqual(MODEL_RPS, [2000, 5000, 8000, 11000, 14000, 17000]);
  });
  it('--quick shortens the steady and model intervals and the big transaction', () => {
    const q = parseArgs(['--quick']);
    assert.deepEqual([q.steadySeconds, q.modelSeconds, q.bigtxnRows], [10, 5, 200_000]);
    assert.deepEqual(q.modelRps, MODEL_RPS);
  });
  it('reads rate lists, sorted and without repeats', () => {
    const o = parseArgs(['--only', 'steady,model,bigtxn', '--steady-rates', '2000,500,500', '--model-rps', '11000, 2000', '--steady-seconds', '20', '--bigtxn-rows', '1000']);
    assert.deepEqual(o.only, ['steady', 'model', 'bigtxn']);
    assert.deepEqual(o.steadyRates, [500, 2000]);
    assert.deepEqual(o.modelRps, [2000, 11_000]);
    assert.equal(o.steadySeconds, 20);
    assert.equal(o.bigtxnRows, 1000);
    assert.throws(() => parseArgs(['--model-rps', '2000,x']), /positive whole number, got x/);
    assert.throws(() => parseArgs(['--steady-rates']), /comma-separated list/);
  });
  it('--quick shrinks scales and runs once; explicit flags win over it, wherever they stand', () => {
    const q = parseArgs(['--quick']);
    assert.equal(q.runs, 1);
    assert.ok(q.pgbenchScale < 50 && q.mixedRows < 2_000_000 && q.catchupSeconds < 60);
    assert.equal(parseArgs(['--runs', '2', '--quick']).runs, 2);
    assert.equal(parseArgs(['--quick', '--catchup-seconds', '30']).catchupSeconds, 30);
  });
  it('selects suites, peers and workloads; raw is always there, first', () => {
    const o = parseArgs(['--only', 'catchup', '--peers', 'dts,pgcopydb', '--workloads', 'wide']);
    assert.deepEqual(o.only, ['catchup']);
    assert.deepEqual(o.peers, ['raw', 'pgcopydb', 'dts']);
    assert.deepEqual(o.workloads, ['wide']);
    assert.deepEqual(parseArgs(['--only', 'fullload,catchup,fullload']).only, ['fullload', 'catchup']);
  });
  it('rejects unknown flags, names and bad numbers', () => {
    assert.throws(() => parseArgs(['--fast']), /unknown flag --fast/);
    assert.throws(() => parseArgs(['--only', 'fullload,bulk']), /unknown bulk/);
    assert.throws(() => parseArgs(['--runs', '0']), /positive whole number/);
    assert.throws(() => parseArgs(['--runs', '1.5']), /positive whole number/);
    assert.throws(() => parseArgs(['--timeout']), /positive whole number, got nothing/);
  });
  it('--no-results and --help', () => {
    assert.equal(parseArgs(['--no-results']).writeResults, false);
    assert.equal(parseArgs(['--help']).help, true);
  });
  it('--engine picks postgres (default) or mysql', () => {
    assert.equal(parseArgs([]).engine, 'postgres');
    assert.equal(parseArgs(['--engine', 'mysql', '--quick']).engine, 'mysql');
    assert.equal(parseArgs(['--quick', '--engine', 'postgres']).engine, 'postgres');
    assert.throws(() => parseArgs(['--engine', 'oracle']), /unknown oracle; choose from postgres, mysql/);
    assert.throws(() => parseArgs(['--engine']), /--engine needs/);
    assert.throws(() => parseArgs(['--engine', 'mysql,postgres']), /--engine takes one engine/);
  });
});
