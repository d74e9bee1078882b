// The Configure Task wizard's form state: what the operator typed, as strings where the fields
// are text boxes. Pure (no React): how it becomes an API payload is in payload.ts.
import type { RouterInputs, RouterOutputs, TaskDetail } from '../data/tasks';
import { ENGINE_LABEL } from '../ui/engine-icon';
import type { ConflictPolicy } from '../tasks/conflict-policy';

export type Engine = 'postgres' | 'mysql' | 'mongodb' | 'sqlserver';
export type Ssl = 'disable' | 'require' | 'verify-full';
export type ObjectSelection = RouterInputs['tasks']['create']['objects'];
export type Connection = RouterOutputs['endpoints']['connections'][number];
export type Capitalization = 'default' | 'source' | 'lower' | 'upper';
export type ConflictingTables = 'PrecheckAndReportErrors' | 'IgnoreErrorsAndProceed';
export type { ConflictPolicy } from '../tasks/conflict-policy';
export type Side = 'source' | 'destination';

export interface EndpointForm {
  connectionId: number | null;
  engine: Engine;
  host: string;
  port: string;
  database: string;
  user: string;
  /** empty: the saved connection's password, or (editing) the stored one */
  password: string;
  ssl: Ssl | null;
}

export interface SettingsForm {
  retryConnectionMinutes: string;
  retryOtherMinutes: string;
  fullThrottle: boolean;
  fullRps: string;
  fullBps: string;
  incrementalThrottle: boolean;
  incrementalRps: string;
  incrementalBps: string;
  fullParallelism: string;
  environmentTag: string;
}

export interface WizardForm {
  name: string;
  /** the operator changed the generated name: keep it when the engines change */
  nameTouched: boolean;
  source: EndpointForm;
  destination: EndpointForm;
  syncTypes: { schema: boolean; full: boolean; incremental: boolean };
  topology: 'OneWay' | 'TwoWay';
  conflictingTables: ConflictingTables;
  excludeDdl: boolean;
  conflictPolicy: ConflictPolicy;
  capitalization: Capitalization;
  /** null: nothing selected (or, for a reverse direction, the forward's tables mapped back) */
  objects: ObjectSelection | null;
  settings: SettingsForm;
}

export const DEFAULT_PORT: Record<Engine, number> = { postgres: 5432, mysql: 3306, mongodb: 27017, sqlserver: 1433 };

const pad = (n: number) => String(n).padStart(2, '0');

/** a DTS-style generated name, e.g. "PostgreSQL-to-PostgreSQL-20261122-1841" */
export function generatedName(source: Engine, destination: Engine, now: Date): string {
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}`;
  return `${ENGINE_LABEL[source]}-to-${ENGINE_LABEL[destination]}-${date}`;
}

export function emptyEndpoint(engine: Engine = 'postgres'): EndpointForm {
  return { connectionId: null, engine, host: '', port: String(DEFAULT_PORT[engine]), database: '', user: '', password: '', ssl: null };
}

/** "Select Existing Connection": the connection's address and account; its password stays on the server */
export function endpointFromConnection(c: Connection): EndpointForm {
  return { connectionId: c.id, engine: c.engine, host: c.host, port: String(c.port), database: c.database, user: c.user, password: '', ssl: c.ssl };
}

/** a changed Database Type: the default port follows the engine unless the operator typed another */
export function withEngine(e: EndpointForm, engine: Engine): EndpointForm {
  const port = e.port === '' || e.port === String(DEFAULT_PORT[e.engine]) ? String(DEFAULT_PORT[engine]) : e.port;
  return { ...e, engine, port, connectionId: null };
}

export function defaultSettings(): SettingsForm {
  return {
    retryConnectionMinutes: '720',
    retryOtherMinutes: '10',
    fullThrottle: false,
    fullRps: '',
    fullBps: '',
    incrementalThrottle: false,
    incrementalRps: '',
    incrementalBps: '',
    fullParallelism: '2',
    environmentTag: '',
  };
}

export function defaultForm(now: Date): WizardForm {
  return {
    name: generatedName('postgres', 'postgres', now),
    nameTouched: false,
    source: emptyEndpoint(),
    destination: emptyEndpoint(),
    syncTypes: { schema: true, full: true, incremental: true },
    topology: 'OneWay',
    conflictingTables: 'PrecheckAndReportErrors',
    excludeDdl: true,
    conflictPolicy: 'TaskFailed',
    capitalization: 'default',
    objects: null,
    settings: defaultSettings(),
  };
}

type EndpointView = TaskDetail['source'];
type Settings = TaskDetail['settings'];

function endpointFromView(e: EndpointView): EndpointForm {
  return { connectionId: null, engine: e.engine, host: e.host, port: String(e.port), database: e.database, user: e.user, password: '', ssl: e.ssl };
}

const limit = (n: number) => (n > 0 ? String(n) : '');

export function settingsFromTask(s: Settings): SettingsForm {
  return {
    retryConnectionMinutes: String(s.retryConnectionMinutes),
    retryOtherMinutes: String(s.retryOtherMinutes),
    fullThrottle: s.fullRps > 0 || s.fullBps > 0,
    fullRps: limit(s.fullRps),
    fullBps: limit(s.fullBps),
    incrementalThrottle: s.incrementalRps > 0 || s.incrementalBps > 0,
    incrementalRps: limit(s.incrementalRps),
    incrementalBps: limit(s.incrementalBps),
    fullParallelism: String(s.fullParallelism),
    environmentTag: s.environmentTag ?? '',
  };
}

/** an existing task, every step prefilled (passwords empty: the stored ones are kept) */
export function formFromTask(t: TaskDetail): WizardForm {
  return {
    name: t.name,
    nameTouched: true,
    source: endpointFromView(t.source),
    destination: endpointFromView(t.destination),
    syncTypes: { ...t.syncTypes },
    topology: t.topology === 'TwoWay' ? 'TwoWay' : 'OneWay',
    conflictingTables: t.settings.conflictingTables,
    excludeDdl: t.settings.excludeDdl,
    conflictPolicy: t.settings.conflictPolicy,
    capitalization: t.objects.capitalization,
    objects: t.objects,
    settings: settingsFromTask(t.settings),
  };
}

/**
 * The reverse direction of a two-way pair, before it exists: the forward task's endpoints
 * swapped (the server copies the accounts and passwords), incremental only, the forward's
 * settings, and no explicit selection (the forward's tables mapped back).
 */
export function reverseFormFromForward(fwd: TaskDetail): WizardForm {
  const f = formFromTask(fwd);
  return {
    ...f,
    name: `${fwd.name} (reverse direction)`,
    source: f.destination,
    destination: f.source,
    syncTypes: { schema: false, full: false, incremental: true },
    topology: 'TwoWay',
    capitalization: 'source',
    objects: null,
  };
}

export function hasObjects(sel: ObjectSelection | null): boolean {
  return Boolean(sel && sel.schemas.length > 0);
}
