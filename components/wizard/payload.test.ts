// node --import tsx --test components/wizard/payload.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskDetail } from '../data/tasks';
import { defaultForm, endpointFromConnection, formFromTask, generatedName, reverseFormFromForward, withEngine, type WizardForm } from './form';
import { configurePayload, createPayload, endpointRef, forwardTablesOnDestination, previewPayload, requiredErrors, reversePayload, stepOfField } from './payload';

const NOW = new Date(2026, 10, 22, 18, 41, 11);

function filled(): WizardForm {
  const f = defaultForm(NOW);
  return {
    ...f,
    name: 'wizard-task',
    source: { ...f.source, host: ' 127.0.0.1 ', database: 'shop', user: 'postgres', password: 'pw1' },
    destination: { ...f.destination, host: '127.0.0.1', port: '54341', database: 'shop_dr', user: 'postgres', password: 'pw2' },
    objects: { schemas: [{ name: 'public', tables: [{ name: 'orders' }] }], capitalization: 'upper' },
    capitalization: 'lower',
  };
}

function task(over: Partial<TaskDetail> = {}): TaskDetail {
  const endpoint = (id: number, port: number, database: string) => ({ id, engine: 'postgres' as const, host: '127.0.0.1', port, database, user: 'postgres', ssl: null, hasPassword: true });
  const base = {
    id: 'dtsabc',
    name: 'wizard-task',
    topology: 'OneWay',
    direction: 'Forward',
    syncTypes: { schema: true, full: true, incremental: true },
    source: endpoint(1, 5432, 'shop'),
    destination: endpoint(2, 54341, 'shop_dr'),
    objects: { schemas: [{ name: 'public', tables: [{ name: 'orders' }] }], renameRules: [], capitalization: 'lower' },
    settings: {
      retryConnectionMinutes: 720,
      retryOtherMinutes: 10,
      conflictingTables: 'PrecheckAndReportErrors',
      conflictPolicy: 'TaskFailed',
      excludeDdl: true,
      fullRps: 0,
      fullBps: 0,
      incrementalRps: 0,
      incrementalBps: 0,
      fullParallelism: 2,
    },
  };
  return { ...base, ...over } as unknown as TaskDetail;
}

test('generated name follows the engines and the date', () => {
  assert.equal(generatedName('postgres', 'mysql', NOW), 'PostgreSQL-to-MySQL-20261122-1841');
  assert.equal(defaultForm(NOW).name, 'PostgreSQL-to-PostgreSQL-20261122-1841');
});

test('changing the engine moves the default port only', () => {
  const e = defaultForm(NOW).source;
  assert.equal(withEngine(e, 'mysql').port, '3306');
  assert.equal(withEngine({ ...e, port: '6000' }, 'mysql').port, '6000');
});

test('create payload: trimmed endpoints, numbers, capitalization from the step-2 field', () => {
  const p = createPayload(filled());
  assert.deepEqual(p.source, { engine: 'postgres', host: '127.0.0.1', port: 5432, database: 'shop', user: 'postgres', password: 'pw1' });
  assert.equal(p.destination.port, 54341);
  assert.deepEqual(p.objects, { schemas: [{ name: 'public', tables: [{ name: 'orders' }] }], renameRules: [], capitalization: 'lower' });
  assert.equal(p.settings?.retryConnectionMinutes, 720);
  assert.equal(p.settings?.fullRps, 0);
  assert.equal('environmentTag' in (p.settings ?? {}), false);
});

test('throttling: limits only when enabled, full only with full data synchronization', () => {
  const f = filled();
  f.settings = { ...f.settings, fullThrottle: true, fullRps: '500', incrementalThrottle: true, incrementalBps: '1000' };
  let p = createPayload(f);
  assert.equal(p.settings?.fullRps, 500);
  assert.equal(p.settings?.incrementalBps, 1000);
  assert.equal(p.settings?.incrementalRps, 0);
  f.syncTypes = { schema: false, full: false, incremental: true };
  p = createPayload(f);
  assert.equal(p.settings?.fullRps, 0);
});

test('an empty required number is sent as NaN for the server to name', () => {
  const f = filled();
  f.settings = { ...f.settings, retryOtherMinutes: '' };
  assert.ok(Number.isNaN(createPayload(f).settings?.retryOtherMinutes));
});

test('saved connection: connectionId and an empty password', () => {
  const e = endpointFromConnection({ id: 7, name: 'demo', engine: 'postgres', host: 'h', port: 54340, database: 'shop', user: 'u', ssl: null, createdAt: NOW });
  const f = { ...filled(), source: e };
  assert.deepEqual(createPayload(f).source, { engine: 'postgres', host: 'h', port: 54340, database: 'shop', user: 'u', password: '', connectionId: 7 });
});

test('preview hides typed passwords', () => {
  const p = previewPayload(filled());
  assert.equal(p.source.password, '******');
  assert.equal(p.destination.password, '******');
  const f = filled();
  f.source.password = '';
  assert.equal(previewPayload(f).source.password, '');
});

test('configure: nothing changed sends nothing', () => {
  const t = task();
  const r = configurePayload(formFromTask(t), t, { reverse: false });
  assert.equal(r.changed, false);
  assert.deepEqual(r.input, { id: 'dtsabc' });
});

test('configure: only the changes, the password only if retyped', () => {
  const t = task();
  const f = formFromTask(t);
  f.objects = { schemas: [{ name: 'public', tables: [{ name: 'customers' }] }] };
  f.settings.retryOtherMinutes = '20';
  f.destination.database = 'shop_dr2';
  const r = configurePayload(f, t, { reverse: false });
  assert.equal(r.changed, true);
  assert.deepEqual(r.input.objects, { schemas: [{ name: 'public', tables: [{ name: 'customers' }] }], renameRules: [], capitalization: 'lower' });
  assert.deepEqual(r.input.settings, { retryOtherMinutes: 20 });
  assert.equal(r.input.source, undefined);
  assert.deepEqual(r.input.destination, { engine: 'postgres', host: '127.0.0.1', port: 54341, database: 'shop_dr2', user: 'postgres' });
  f.source.password = 'new';
  assert.equal(configurePayload(f, t, { reverse: false }).input.source?.password, 'new');
});

test('configure: a removed environment tag is cleared; reverse never sends Exclude DDL or sync types', () => {
  const t = task({ settings: { ...task().settings, environmentTag: 'Production' } });
  const f = formFromTask(t);
  f.settings.environmentTag = '';
  f.excludeDdl = false;
  f.syncTypes = { schema: true, full: false, incremental: true };
  const r = configurePayload(f, t, { reverse: true });
  assert.deepEqual(r.input.settings, { environmentTag: '' });
  assert.equal(r.input.syncTypes, undefined);
});

test('reverse direction: swapped endpoints, forward tables by default, changed settings only', () => {
  const fwd = task({ topology: 'TwoWay' });
  const f = reverseFormFromForward(fwd);
  assert.equal(f.source.database, 'shop_dr');
  assert.equal(f.destination.database, 'shop');
  assert.deepEqual(reversePayload(f, fwd), { id: 'dtsabc' });
  f.conflictPolicy = 'Overwrite';
  f.objects = { schemas: [{ name: 'public', tables: [{ name: 'extra' }] }] };
  assert.deepEqual(reversePayload(f, fwd), {
    id: 'dtsabc',
    objects: { schemas: [{ name: 'public', tables: [{ name: 'extra' }] }], renameRules: [], capitalization: 'source' },
    settings: { conflictPolicy: 'Overwrite' },
  });
});

test('endpoint ref: the stored endpoint when the password was not retyped', () => {
  const t = task();
  const f = formFromTask(t);
  const stored = { taskId: t.id, side: 'source' as const, endpoint: t.source };
  assert.deepEqual(endpointRef(f.source, 'source', stored), { taskId: 'dtsabc', side: 'source' });
  assert.ok('endpoint' in endpointRef({ ...f.source, host: 'other' }, 'source', stored));
  assert.ok('endpoint' in endpointRef({ ...f.source, password: 'x' }, 'source', stored));
  assert.ok('endpoint' in endpointRef(f.source, 'source', null));
});

test('required fields of step 1', () => {
  const f = defaultForm(NOW);
  const errs = requiredErrors(f, { source: null, destination: null });
  assert.ok(errs['source.host'] && errs['destination.password']);
  assert.deepEqual(requiredErrors(filled(), { source: null, destination: null }), {});
  const t = task();
  assert.deepEqual(requiredErrors(formFromTask(t), { source: { taskId: t.id, side: 'source', endpoint: t.source }, destination: { taskId: t.id, side: 'destination', endpoint: t.destination } }), {});
});

test('server fields map to their step', () => {
  assert.equal(stepOfField('source.password'), 1);
  assert.equal(stepOfField('name'), 1);
  assert.equal(stepOfField('objects.schemas'), 2);
  assert.equal(stepOfField('settings.conflictPolicy'), 2);
  assert.equal(stepOfField('settings.retryOtherMinutes'), 3);
  assert.equal(stepOfField(null), null);
});

test('forward tables on the destination: explicit tables renamed, whole schemas expanded', () => {
  const catalog = [
    { schema: 'public', name: 'a' },
    { schema: 'sales', name: 'b' },
    { schema: 'sales', name: 'c' },
  ];
  const got = forwardTablesOnDestination({ schemas: [{ name: 'public', tables: [{ name: 'x', targetName: 'a' }] }, { name: 'shop', targetName: 'sales' }] }, catalog);
  assert.deepEqual(got, [
    { schema: 'public', name: 'a' },
    { schema: 'sales', name: 'b' },
    { schema: 'sales', name: 'c' },
  ]);
});
