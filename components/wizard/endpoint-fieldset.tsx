'use client';
// Source Database / Destination Database of step 1: a saved connection or the typed address,
// account and password, and the result of Test Connectivity for that side.
import { ENGINE_LABEL } from '../ui/engine-icon';
import { Field, SelectInput, TextInput } from '../ui/field';
import { endpointFromConnection, withEngine, type Connection, type Engine, type EndpointForm, type Side } from './form';

export type SideResult = { ok: boolean; message: string; serverVersion: string | null } | null;

const ENGINES: Array<{ value: Engine; available: boolean }> = [
  { value: 'postgres', available: true },
  { value: 'mysql', available: true },
  { value: 'mongodb', available: false },
  { value: 'sqlserver', available: false },
];

export function EndpointFieldset({
  side,
  value,
  onChange,
  connections,
  passwordPlaceholder,
  readOnly = false,
  errorOf,
  result,
}: {
  side: Side;
  value: EndpointForm;
  onChange: (e: EndpointForm) => void;
  connections: Connection[] | undefined;
  /** "saved with the connection", "unchanged" (editing), or undefined when it must be typed */
  passwordPlaceholder?: string;
  readOnly?: boolean;
  errorOf: (field: string) => string | null;
  result: SideResult;
}) {
  const title = side === 'source' ? 'Source Database' : 'Destination Database';
  const id = (f: string) => `${side}-${f}`;
  const set = (patch: Partial<EndpointForm>) => onChange({ ...value, ...patch });
  // changing the address or account leaves the saved connection
  const setAddress = (patch: Partial<EndpointForm>) => onChange({ ...value, ...patch, connectionId: null });
  const placeholder = value.connectionId !== null ? 'saved with the connection' : passwordPlaceholder;
  return (
    <fieldset className="rounded-sm border border-gray-200 bg-white px-4 pt-2 pb-3" data-testid={`wizard-${side}`} disabled={readOnly}>
      <legend className="px-1 text-sm font-semibold text-gray-800">{title}</legend>
      {!readOnly && (
        <Field label="Select Existing Connection" htmlFor={id('connection')}>
          <SelectInput
            id={id('connection')}
            value={value.connectionId ?? ''}
            onChange={(e) => {
              const c = connections?.find((x) => String(x.id) === e.target.value);
              onChange(c ? endpointFromConnection(c) : { ...value, connectionId: null });
            }}
          >
            <option value="">{connections ? (connections.length ? 'Select a saved connection' : 'No saved connections') : 'Loading connections…'}</option>
            {connections?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.user}@{c.host}:{c.port}/{c.database})
              </option>
            ))}
          </SelectInput>
        </Field>
      )}
      <Field label="Database Type" required htmlFor={id('engine')} error={errorOf(`${side}.engine`)}>
        <SelectInput id={id('engine')} value={value.engine} onChange={(e) => onChange(withEngine(value, e.target.value as Engine))}>
          {ENGINES.map((x) => (
            <option key={x.value} value={x.value} disabled={!x.available}>
              {ENGINE_LABEL[x.value]}
              {x.available ? '' : ' (not available yet)'}
            </option>
          ))}
        </SelectInput>
      </Field>
      <Field label="Access Method" required htmlFor={id('access')}>
        <SelectInput id={id('access')} value="self-managed" onChange={() => undefined}>
          <option value="self-managed">Self-managed Database (host and port)</option>
        </SelectInput>
      </Field>
      <Field label="Host" required htmlFor={id('host')} error={errorOf(`${side}.host`)}>
        <TextInput id={id('host')} value={value.host} onChange={(e) => setAddress({ host: e.target.value })} autoComplete="off" placeholder="e.g. 10.0.0.5 or db.example.com" />
      </Field>
      <Field label="Port" required htmlFor={id('port')} error={errorOf(`${side}.port`)}>
        <TextInput id={id('port')} value={value.port} inputMode="numeric" className="!max-w-32" onChange={(e) => setAddress({ port: e.target.value })} />
      </Field>
      <Field label="Database Name" required htmlFor={id('database')} error={errorOf(`${side}.database`)}>
        <TextInput id={id('database')} value={value.database} onChange={(e) => set({ database: e.target.value })} autoComplete="off" />
      </Field>
      <Field label="Database Account" required htmlFor={id('user')} error={errorOf(`${side}.user`)}>
        <TextInput id={id('user')} value={value.user} onChange={(e) => setAddress({ user: e.target.value })} autoComplete="off" />
      </Field>
      <Field label="Database Password" required={!placeholder} htmlFor={id('password')} error={errorOf(`${side}.password`) ?? errorOf(`${side}.connectionId`)}>
        <TextInput id={id('password')} type="password" value={value.password} placeholder={placeholder} onChange={(e) => set({ password: e.target.value })} autoComplete="new-password" />
      </Field>
      {result && (
        <p
          role="status"
          data-testid={`connectivity-${side}`}
          data-ok={result.ok}
          className={`mt-2 rounded-sm border px-3 py-2 text-sm ${result.ok ? 'border-green-200 bg-green-50 text-green-700' : 'border-red-200 bg-red-50 text-red-700'}`}
        >
          {result.ok ? `✓ Passed${result.serverVersion ? ` · ${result.serverVersion}` : ''}` : `✗ ${result.message}`}
        </p>
      )}
    </fieldset>
  );
}
