// Form state → API payloads of the Configure Task wizard: tasks.create (also what "Preview API
// parameters" shows), tasks.configure (only what changed), tasks.configureReverse, and the
// endpoint references of Test Connectivity and the object list. Pure: unit-tested beside it.
import type { RouterInputs, TaskDetail } from '../data/tasks';
import type { EndpointForm, ObjectSelection, Side, WizardForm } from './form';

export type CreateInput = RouterInputs['tasks']['create'];
export type ConfigureInput = RouterInputs['tasks']['configure'];
export type ReverseInput = RouterInputs['tasks']['configureReverse'];
export type EndpointRef = RouterInputs['endpoints']['testConnectivity'];
type EndpointInput = CreateInput['source'];
type StoredEndpoint = TaskDetail['source'];
type Settings = TaskDetail['settings'];

/** a required number: an empty or bad box becomes NaN, which the server refuses naming the field */
const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s.trim()));
/** a throttling limit: empty means no limit (0) */
const limit = (on: boolean, s: string): number => (on && s.trim() !== '' ? Number(s.trim()) : 0);

export function endpointInput(e: EndpointForm): EndpointInput {
  return {
    engine: e.engine,
    host: e.host.trim(),
    port: num(e.port),
    database: e.database.trim(),
    user: e.user.trim(),
    password: e.password,
    ...(e.ssl ? { ssl: e.ssl } : {}),
    ...(e.connectionId !== null ? { connectionId: e.connectionId } : {}),
  };
}

/** the address and account differ from the stored endpoint (the stored password then no longer applies) */
export function addressChanged(e: EndpointForm, stored: StoredEndpoint): boolean {
  const i = endpointInput(e);
  return i.engine !== stored.engine || i.host !== stored.host || i.port !== stored.port || i.database !== stored.database || i.user !== stored.user || (e.ssl ?? null) !== (stored.ssl ?? null);
}

/** the selection as sent: the capitalization is the step-2 field's */
export function selectionPayload(form: Pick<WizardForm, 'objects' | 'capitalization'>): ObjectSelection {
  const sel = form.objects ?? { schemas: [] };
  return { schemas: sel.schemas, renameRules: sel.renameRules ?? [], capitalization: form.capitalization };
}

export function settingsPayload(form: WizardForm): NonNullable<CreateInput['settings']> {
  const s = form.settings;
  const full = form.syncTypes.full;
  return {
    retryConnectionMinutes: num(s.retryConnectionMinutes),
    retryOtherMinutes: num(s.retryOtherMinutes),
    conflictingTables: form.conflictingTables,
    conflictPolicy: form.conflictPolicy,
    excludeDdl: form.excludeDdl,
    fullRps: limit(full && s.fullThrottle, s.fullRps),
    fullBps: limit(full && s.fullThrottle, s.fullBps),
    incrementalRps: limit(s.incrementalThrottle, s.incrementalRps),
    incrementalBps: limit(s.incrementalThrottle, s.incrementalBps),
    fullParallelism: num(s.fullParallelism),
    ...(s.environmentTag ? { environmentTag: s.environmentTag } : {}),
  };
}

export function createPayload(form: WizardForm): CreateInput {
  return {
    name: form.name.trim(),
    topology: form.topology,
    source: endpointInput(form.source),
    destination: endpointInput(form.destination),
    syncTypes: { ...form.syncTypes },
    objects: selectionPayload(form),
    settings: settingsPayload(form),
  };
}

const mask = (e: EndpointInput): EndpointInput => (e.password ? { ...e, password: '******' } : e);

/** "Preview API parameters": the tasks.create payload with the passwords hidden */
export function previewPayload(form: WizardForm): CreateInput {
  const p = createPayload(form);
  return { ...p, source: mask(p.source), destination: mask(p.destination) };
}

/** JSON with sorted keys, to compare selections whatever order their keys were built in */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );
}

/** the settings that differ from the stored ones (Exclude DDL left out for a reverse direction) */
export function settingsChanges(form: WizardForm, stored: Settings, opts: { reverse: boolean }): Record<string, unknown> {
  const next: Record<string, unknown> = { ...settingsPayload(form) };
  if (opts.reverse) delete next.excludeDdl;
  // an environment tag removed is sent as '' (the server merges settings, so omitting keeps it)
  if (!('environmentTag' in next) && stored.environmentTag) next.environmentTag = '';
  const before = stored as Record<string, unknown>;
  return Object.fromEntries(Object.entries(next).filter(([k, v]) => !Object.is(v, before[k] ?? (k === 'environmentTag' ? '' : undefined))));
}

function endpointPatch(e: EndpointForm, stored: StoredEndpoint): ConfigureInput['source'] {
  if (!e.password && !addressChanged(e, stored)) return undefined;
  const { password, ...rest } = endpointInput(e);
  // no password typed: the stored one (or the saved connection's) is kept
  return password ? { ...rest, password } : rest;
}

/** tasks.configure for an existing task: only what changed, passwords only if retyped */
export function configurePayload(form: WizardForm, base: TaskDetail, opts: { reverse: boolean }): { input: ConfigureInput; changed: boolean } {
  const input: ConfigureInput = { id: base.id };
  const name = form.name.trim();
  if (name !== base.name) input.name = name;
  const source = endpointPatch(form.source, base.source);
  if (source) input.source = source;
  const destination = endpointPatch(form.destination, base.destination);
  if (destination) input.destination = destination;
  const t = form.syncTypes;
  if (!opts.reverse && (t.schema !== base.syncTypes.schema || t.full !== base.syncTypes.full || t.incremental !== base.syncTypes.incremental)) input.syncTypes = { ...t };
  if (form.objects) {
    const objects = selectionPayload(form);
    if (stableJson(objects) !== stableJson(base.objects)) input.objects = objects;
  }
  const settings = settingsChanges(form, base.settings, opts);
  if (Object.keys(settings).length) input.settings = settings;
  return { input, changed: Object.keys(input).length > 1 };
}

/** tasks.configureReverse: the objects only if the operator chose them, the settings that differ from the forward's */
export function reversePayload(form: WizardForm, forward: TaskDetail): ReverseInput {
  const settings = settingsChanges(form, forward.settings, { reverse: true });
  return {
    id: forward.id,
    ...(form.objects ? { objects: selectionPayload(form) } : {}),
    ...(Object.keys(settings).length ? { settings } : {}),
  };
}

/** where the endpoint's password is: typed in the form, or stored with a task */
export interface StoredRef {
  taskId: string;
  side: Side;
  endpoint: StoredEndpoint;
}

/**
 * Test Connectivity and the object list: the typed endpoint, or the stored one of a task when
 * the password was not retyped and the address is the stored one.
 */
export function endpointRef(e: EndpointForm, side: Side, stored: StoredRef | null): EndpointRef {
  if (stored && !e.password && !addressChanged(e, stored.endpoint)) return { taskId: stored.taskId, side: stored.side };
  return { endpoint: endpointInput(e), side };
}

/** light required-field checks of step 1 before calling the server (which validates everything) */
export function requiredErrors(form: WizardForm, stored: { source: StoredRef | null; destination: StoredRef | null }): Record<string, string> {
  const out: Record<string, string> = {};
  if (!form.name.trim()) out.name = 'Enter a task name';
  for (const side of ['source', 'destination'] as const) {
    const e = form[side];
    const label = side === 'source' ? 'source' : 'destination';
    if (!e.host.trim()) out[`${side}.host`] = `Enter the host of the ${label} database`;
    const port = num(e.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) out[`${side}.port`] = 'Enter a port between 1 and 65535';
    if (!e.database.trim()) out[`${side}.database`] = `Enter the name of the ${label} database`;
    if (!e.user.trim()) out[`${side}.user`] = `Enter the ${label} database account`;
    const s = stored[side];
    const passwordKept = e.connectionId !== null || (s !== null && !addressChanged(e, s.endpoint));
    if (!e.password && !passwordKept) out[`${side}.password`] = `Enter the password of the ${label} database account`;
  }
  return out;
}

/** the wizard step that shows a field the server named (1..3), or null */
export function stepOfField(field: string | null | undefined): 1 | 2 | 3 | null {
  if (!field) return null;
  if (/^(name|source|destination)(\.|$)/.test(field)) return 1;
  if (/^(syncTypes|objects|topology)(\.|$)/.test(field) || /^settings\.(conflictingTables|conflictPolicy|excludeDdl)$/.test(field)) return 2;
  if (field.startsWith('settings')) return 3;
  return null;
}

type CatalogTable = { schema: string; name: string };

/**
 * The tables the forward direction of a two-way pair already synchronizes, as named on its
 * destination (the reverse direction's source): its explicit tables, or every table of a schema
 * selected whole. Display only; the server decides what the reverse direction may take.
 */
export function forwardTablesOnDestination(forward: ObjectSelection, catalog: CatalogTable[]): CatalogTable[] {
  const out: CatalogTable[] = [];
  for (const s of forward.schemas) {
    const schema = s.targetName ?? s.name;
    if (s.tables) for (const t of s.tables) out.push({ schema, name: t.targetName ?? t.name });
    else out.push(...catalog.filter((t) => t.schema === schema).map((t) => ({ schema: t.schema, name: t.name })));
  }
  return out;
}
