'use client';
// Register Connection: a database the console remembers by name (the same name replaces it).
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useConnectionActions, type ConnectionInput } from '../data/settings';
import { useTRPC } from '../data/trpc-provider';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ENGINE_LABEL, type EngineName } from '../ui/engine-icon';
import { Field, SelectInput, TextInput } from '../ui/field';
import { ErrorMessage } from '../ui/states';

/** the usual port of each engine, as a starting value the operator can change */
const DEFAULT_PORT: Record<EngineName, number> = { postgres: 5432, mysql: 3306, mongodb: 27017, sqlserver: 1433 };
type Ssl = 'disable' | 'require' | 'verify-full';

export function RegisterConnectionDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const { register } = useConnectionActions();
  const test = useMutation(trpc.endpoints.testConnectivity.mutationOptions());
  const [f, setF] = useState({ name: '', engine: 'postgres' as EngineName, host: '', port: String(DEFAULT_PORT.postgres), database: '', user: '', password: '', ssl: '' as Ssl | '' });
  // an edit makes the last refusal and test result stale
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K]) => {
    setF((x) => ({ ...x, [k]: v }));
    if (register.error) register.reset();
    if (test.data || test.error) test.reset();
  };
  const endpoint = (): Omit<ConnectionInput, 'name'> => ({
    engine: f.engine,
    host: f.host.trim(),
    port: Number(f.port),
    database: f.database.trim(),
    user: f.user.trim(),
    password: f.password,
    ...(f.ssl ? { ssl: f.ssl } : {}),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    register.mutate({ name: f.name.trim(), ...endpoint() }, { onSuccess: onClose });
  };
  const field = register.error?.data?.field ?? null;
  const errorFor = (k: string) => (field === k ? (register.error?.message ?? null) : null);
  const unplaced = register.error && !['name', 'engine', 'host', 'port', 'database', 'user', 'password', 'ssl'].includes(field ?? '');

  return (
    <Dialog title="Register Connection" onClose={onClose} width="max-w-2xl">
      <form onSubmit={submit} className="space-y-0.5" data-testid="register-connection-form">
        <Field label="Connection Name" required htmlFor="conn-name" help="Registering a name that exists replaces that connection." error={errorFor('name')}>
          <TextInput id="conn-name" name="name" value={f.name} maxLength={100} onChange={(e) => set('name', e.target.value)} data-autofocus />
        </Field>
        <Field label="Database Type" required htmlFor="conn-engine" error={errorFor('engine')}>
          <SelectInput
            id="conn-engine"
            name="engine"
            value={f.engine}
            onChange={(e) => {
              const engine = e.target.value as EngineName;
              set('engine', engine);
              if (f.port === String(DEFAULT_PORT[f.engine])) set('port', String(DEFAULT_PORT[engine]));
            }}
          >
            {(Object.keys(ENGINE_LABEL) as EngineName[]).map((k) => (
              <option key={k} value={k}>
                {ENGINE_LABEL[k]}
              </option>
            ))}
          </SelectInput>
        </Field>
        <Field label="Hostname or IP Address" required htmlFor="conn-host" error={errorFor('host')}>
          <TextInput id="conn-host" name="host" value={f.host} onChange={(e) => set('host', e.target.value)} placeholder="127.0.0.1" />
        </Field>
        <Field label="Port Number" required htmlFor="conn-port" error={errorFor('port')}>
          <TextInput id="conn-port" name="port" inputMode="numeric" value={f.port} onChange={(e) => set('port', e.target.value)} />
        </Field>
        <Field label="Database Name" required htmlFor="conn-database" error={errorFor('database')}>
          <TextInput id="conn-database" name="database" value={f.database} onChange={(e) => set('database', e.target.value)} />
        </Field>
        <Field label="Database Account" required htmlFor="conn-user" error={errorFor('user')}>
          <TextInput id="conn-user" name="user" autoComplete="off" value={f.user} onChange={(e) => set('user', e.target.value)} />
        </Field>
        <Field label="Database Password" htmlFor="conn-password" help="Stored encrypted; it never leaves the server." error={errorFor('password')}>
          <TextInput id="conn-password" name="password" type="password" autoComplete="new-password" value={f.password} onChange={(e) => set('password', e.target.value)} />
        </Field>
        <Field label="Encryption" htmlFor="conn-ssl" error={errorFor('ssl')}>
          <SelectInput id="conn-ssl" name="ssl" value={f.ssl} onChange={(e) => set('ssl', e.target.value as Ssl | '')}>
            <option value="">Default</option>
            <option value="disable">Non-encrypted</option>
            <option value="require">SSL (require)</option>
            <option value="verify-full">SSL (verify-full)</option>
          </SelectInput>
        </Field>
        {test.data && (
          <p role={test.data.ok ? 'status' : 'alert'} className={`rounded-sm border px-3 py-1.5 text-xs ${test.data.ok ? 'border-green-200 bg-green-50 text-green-800' : 'border-red-200 bg-red-50 text-red-700'}`}>
            <strong className="mr-1">{test.data.ok ? 'Passed' : 'Failed'}</strong>
            {test.data.message}
          </p>
        )}
        <ErrorMessage error={test.error} />
        {unplaced && <ErrorMessage error={register.error} />}
        <div className="flex justify-end gap-2 border-t border-gray-200 pt-3">
          <Button onClick={() => test.mutate({ endpoint: endpoint(), side: 'source' })} disabled={test.isPending}>
            {test.isPending ? 'Testing…' : 'Test Connectivity'}
          </Button>
          <Button type="submit" variant="primary" disabled={register.isPending}>
            {register.isPending ? 'Registering…' : 'Register'}
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </Dialog>
  );
}
