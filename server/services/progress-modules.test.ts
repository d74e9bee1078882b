import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressModules, tableEstimate, type ModuleFacts } from './progress-modules';
import { progressOf } from './task-view';

const base: ModuleFacts = {
  status: 'Not Started',
  stage: 'schema',
  syncTypes: { schema: true, full: true, incremental: true },
  tables: [
    { phase: 'pending', rowsDone: 0, rowsEstimated: 1000 },
    { phase: 'pending', rowsDone: 0n, rowsEstimated: 500n },
  ],
  latest: null,
};

const statuses = (f: ModuleFacts) => progressModules(f).map((m) => m.status);

describe('progressModules', () => {
  it('names the four modules in order, with their keys', () => {
    const m = progressModules(base);
    assert.deepEqual(
      m.map((x) => x.module),
      ['Schema Synchronization', 'Full Data Synchronization', 'Incremental Data Collection', 'Incremental Write'],
    );
    assert.deepEqual(
      m.map((x) => x.key),
      ['schema', 'full', 'incremental-collection', 'incremental-write'],
    );
  });

  it('shows a task that has not run as Not Started, and types not selected as such', () => {
    assert.deepEqual(statuses(base), ['Not Started', 'Not Started', 'Not Started', 'Not Started']);
    assert.deepEqual(statuses({ ...base, status: 'Precheck Failed' }), ['Not Started', 'Not Started', 'Not Started', 'Not Started']);
    assert.deepEqual(statuses({ ...base, syncTypes: { schema: false, full: true, incremental: false } }), ['Not selected', 'Not Started', 'Not selected', 'Not selected']);
  });

  it('runs schema synchronization first', () => {
    assert.deepEqual(statuses({ ...base, status: 'Performing Initial Synchronization' }), ['Running', 'Not Started', 'Not Started', 'Not Started']);
  });

  it('collects changes from the snapshot of the full load on, and writes them afterwards', () => {
    const m = progressModules({ ...base, status: 'Performing Initial Synchronization', stage: 'full', tables: [{ phase: 'done', rowsDone: 1000, rowsEstimated: 900 }, { phase: 'copying', rowsDone: 100, rowsEstimated: 500 }] });
    assert.deepEqual(
      m.map((x) => x.status),
      ['Completed', 'Running', 'Running', 'Not Started'],
    );
    assert.equal(m[1].detail, '1/2 table(s), 1,100 of about 1,500 row(s) copied');
    assert.match(m[3].detail ?? '', /Starts when/);
    assert.equal(m[2].latencyMs, null);
  });

  it('shows the latency of the incremental modules while they run', () => {
    const m = progressModules({ ...base, status: 'Running', stage: 'incremental', latest: { latencyMs: 420 } });
    assert.deepEqual(
      m.map((x) => x.status),
      ['Completed', 'Completed', 'Running', 'Running'],
    );
    assert.equal(m[2].latencyMs, 420);
    assert.equal(m[3].latencyMs, 420);
    assert.equal(m[0].latencyMs, null);
  });

  it('starts collecting with the incremental stage when full data synchronization is not selected', () => {
    const f = { ...base, status: 'Performing Initial Synchronization', stage: 'full', syncTypes: { schema: true, full: false, incremental: true } };
    assert.deepEqual(statuses(f), ['Completed', 'Not selected', 'Not Started', 'Not Started']);
  });

  it('carries Paused, Retrying and Failed to the module the task is at', () => {
    assert.deepEqual(statuses({ ...base, status: 'Paused', stage: 'full' }), ['Completed', 'Paused', 'Paused', 'Not Started']);
    assert.deepEqual(statuses({ ...base, status: 'Retrying', stage: 'incremental' }), ['Completed', 'Completed', 'Retrying', 'Retrying']);
    assert.deepEqual(statuses({ ...base, status: 'Failed', stage: 'schema' }), ['Failed', 'Not Started', 'Not Started', 'Not Started']);
  });

  it('completes every selected module of a finished task, and ends those cut short', () => {
    assert.deepEqual(statuses({ ...base, status: 'Finished', stage: 'done', syncTypes: { schema: true, full: true, incremental: false } }), ['Completed', 'Completed', 'Not selected', 'Not selected']);
    assert.deepEqual(statuses({ ...base, status: 'Finished', stage: 'incremental' }), ['Completed', 'Completed', 'Completed', 'Completed']);
    assert.deepEqual(statuses({ ...base, status: 'Finished', stage: 'full' }), ['Completed', 'Ended', 'Ended', 'Ended']);
  });

  it('gives no latency before the incremental stage, nor a stale one for a paused or failed task', () => {
    const m = progressModules({ ...base, status: 'Running', stage: 'full', latest: { latencyMs: 5000 } });
    assert.equal(m[2].latencyMs, null);
    assert.equal(m[3].latencyMs, null);
    for (const status of ['Paused', 'Failed', 'Retrying']) {
      const p = progressModules({ ...base, status, stage: 'incremental', latest: { latencyMs: 21 } });
      assert.equal(p[3].latencyMs, null, status);
    }
  });

  it('counts a done table as complete, though a WHERE filter copied fewer rows than its estimate', () => {
    const tables = [
      { phase: 'done', rowsDone: 940n, rowsEstimated: 1000n },
      { phase: 'copying', rowsDone: 10n, rowsEstimated: 500n },
    ];
    assert.equal(tableEstimate(tables[0]), 940);
    assert.equal(tableEstimate(tables[1]), 500);
    assert.deepEqual(progressOf(tables.slice(0, 1)), { rowsDone: 940, rowsEstimated: 940, tables: 1, tablesDone: 1 }, 'a finished filtered load is 100 %');
    const full = progressModules({ ...base, status: 'Running', stage: 'incremental', tables: tables.slice(0, 1) }).find((m) => m.key === 'full');
    assert.equal(full?.detail, '1/1 table(s), 940 of about 940 row(s) copied');
  });

  it('shows a reverse task that collects before it is started as collecting, with no latency', () => {
    const m = progressModules({ ...base, status: 'Performing Initial Synchronization', stage: 'schema', syncTypes: { schema: false, full: false, incremental: true }, collecting: true });
    const collection = m.find((x) => x.key === 'incremental-collection');
    assert.equal(collection?.status, 'Running');
    assert.equal(collection?.latencyMs, 0);
    assert.equal(m.find((x) => x.key === 'incremental-write')?.status, 'Not Started');
    // the same facts without collecting: not started (what the console showed before)
    assert.equal(progressModules({ ...base, status: 'Performing Initial Synchronization', stage: 'schema', syncTypes: { schema: false, full: false, incremental: true } })[2].status, 'Not Started');
  });
});
