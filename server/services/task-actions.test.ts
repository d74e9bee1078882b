import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedActions, type ActionFacts } from './task-actions';

const base: ActionFacts = {
  status: 'Not Started',
  desiredState: 'Stopped',
  topology: 'OneWay',
  direction: 'Forward',
  syncIncremental: true,
  startedAt: null,
  precheckState: null,
  paired: null,
};

describe('allowedActions', () => {
  it('offers Configure Task and release to a new task, Start only after a passed precheck', () => {
    assert.deepEqual(allowedActions(base), ['configure', 'precheck', 'release']);
    assert.deepEqual(allowedActions({ ...base, precheckState: 'passed' }), ['configure', 'precheck', 'start', 'release']);
    assert.deepEqual(allowedActions({ ...base, status: 'Precheck Failed', precheckState: 'failed' }), ['configure', 'precheck', 'release']);
  });

  it('a Running one-way task can be paused, ended, released and given a reverse task', () => {
    const running = { ...base, status: 'Running', desiredState: 'Running', startedAt: new Date(), precheckState: 'passed' };
    assert.deepEqual(allowedActions(running), ['pause', 'createReverse', 'end', 'release']);
    assert.ok(!allowedActions({ ...running, syncIncremental: false }).includes('createReverse'), 'a reverse task needs incremental sync');
  });

  it('nothing but Release while Prechecking is impossible; nothing at all once released', () => {
    assert.deepEqual(allowedActions({ ...base, status: 'Prechecking' }), []);
    assert.deepEqual(allowedActions({ ...base, desiredState: 'Released' }), []);
  });

  it('a reverse task offers Start Reverse Task, and both sides of the pair the failover actions', () => {
    const paired = { id: 'dtsfwd', status: 'Running', desiredState: 'Running' };
    const reverse = { ...base, topology: 'Reverse' as const, direction: 'Reverse' as const, precheckState: 'passed', paired };
    assert.deepEqual(allowedActions(reverse), ['configure', 'precheck', 'startReverse', 'release', 'failover', 'switchover', 'switchBack']);
    const forward = { ...base, status: 'Running', desiredState: 'Running', startedAt: new Date(), paired: { ...paired, id: 'dtsrev', status: 'Not Started', desiredState: 'Stopped' } };
    assert.deepEqual(allowedActions(forward), ['pause', 'end', 'release', 'failover', 'switchover', 'switchBack']);
    const collecting = { ...reverse, status: 'Performing Initial Synchronization' };
    assert.ok(allowedActions(collecting).includes('startReverse'), 'a reverse task collecting changes after its precheck can be started');
    assert.ok(!allowedActions({ ...collecting, desiredState: 'Running' }).includes('startReverse'));
  });

  it('a paused or failed task starts again; an ended task only releases', () => {
    assert.ok(allowedActions({ ...base, status: 'Paused', desiredState: 'Paused', startedAt: new Date() }).includes('start'));
    const failed = allowedActions({ ...base, status: 'Failed', desiredState: 'Running', startedAt: new Date() });
    assert.ok(failed.includes('start') && !failed.includes('pause'), 'a Failed task is started again, not paused');
    assert.deepEqual(allowedActions({ ...base, status: 'Finished', desiredState: 'Ended', startedAt: new Date() }), ['release']);
  });

  it('a reverse or two-way task that is Failed or Paused can change its Conflict Resolution Policy; a one-way task has none', () => {
    const reverse = { ...base, topology: 'Reverse' as const, startedAt: new Date() };
    assert.ok(allowedActions({ ...reverse, status: 'Failed', desiredState: 'Stopped' }).includes('changePolicy'));
    assert.ok(allowedActions({ ...reverse, topology: 'TwoWay', status: 'Paused', desiredState: 'Paused' }).includes('changePolicy'));
    assert.ok(!allowedActions({ ...reverse, status: 'Running', desiredState: 'Running' }).includes('changePolicy'), 'not while it runs');
    assert.ok(!allowedActions({ ...base, status: 'Failed', desiredState: 'Stopped', startedAt: new Date() }).includes('changePolicy'));
  });

  it('the forward direction of a two-way pair configures its reverse direction once Running', () => {
    const fwd = { ...base, topology: 'TwoWay' as const, status: 'Running', desiredState: 'Running', startedAt: new Date() };
    assert.ok(allowedActions(fwd).includes('configureReverse'));
    assert.ok(!allowedActions({ ...fwd, paired: { id: 'x', status: 'Not Started', desiredState: 'Stopped' } }).includes('configureReverse'));
    assert.ok(!allowedActions(fwd).includes('failover'), 'failover is for reverse tasks, not two-way pairs');
  });
});
