'use client';
// Create User and Set Password (an administrator sets an operator's password).
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useCreateUser, useSetPassword } from '../data/settings';
import { useTRPC } from '../data/trpc-provider';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Choice, Field, TextInput } from '../ui/field';
import { ErrorMessage } from '../ui/states';
import { PasswordForm } from './password-form';

type Role = 'admin' | 'operator';

export function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateUser();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const field = create.error?.data?.field ?? null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ username: username.trim(), password, role }, { onSuccess: onClose });
  };
  return (
    <Dialog title="Create User" onClose={onClose} width="max-w-xl">
      <form onSubmit={submit} className="space-y-1" data-testid="create-user-form">
        <Field label="Username" required htmlFor="new-username" error={field === 'username' ? create.error?.message : null}>
          <TextInput id="new-username" name="username" autoComplete="off" value={username} maxLength={64} onChange={(e) => setUsername(e.target.value)} data-autofocus />
        </Field>
        <Field label="Password" required htmlFor="new-user-password" error={field === 'password' ? create.error?.message : null}>
          <TextInput id="new-user-password" name="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field label="Role" required help="Administrators also manage users; operators manage tasks and connections.">
          <Choice<Role>
            name="Role"
            value={role}
            onChange={setRole}
            options={[
              { value: 'operator', label: 'Operator' },
              { value: 'admin', label: 'Administrator' },
            ]}
          />
        </Field>
        {create.error && field !== 'username' && field !== 'password' && <ErrorMessage error={create.error} className="mt-2" />}
        <div className="flex justify-end gap-2 border-t border-gray-200 pt-3">
          <Button type="submit" variant="primary" disabled={create.isPending || username.trim() === '' || password === ''}>
            {create.isPending ? 'Creating…' : 'Create'}
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </Dialog>
  );
}

export function SetPasswordDialog({ username, self, onClose }: { username: string; self: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const setPassword = useSetPassword();
  return (
    <Dialog title={`Set Password: ${username}`} onClose={onClose} width="max-w-xl">
      {setPassword.isSuccess ? (
        <div role="status" className="space-y-3">
          <p className="rounded-sm border border-green-200 bg-green-50 px-3 py-2 text-green-800">
            The password of {username} was set. {self ? 'Sign in again with the new password.' : `${username} is signed out of every browser and signs in with the new password.`}
          </p>
          <div className="flex justify-end">
            <Button variant="primary" onClick={self ? () => void qc.resetQueries({ queryKey: trpc.auth.me.queryKey() }) : onClose} data-autofocus>
              {self ? 'Sign In Again' : 'OK'}
            </Button>
          </div>
        </div>
      ) : (
        <>
          <p className="mb-2 text-xs text-gray-500">Setting a password signs {username} out of every browser; API tokens stay valid until revoked.</p>
          <PasswordForm
            idPrefix="user"
            submitText="Set Password"
            pending={setPassword.isPending}
            error={setPassword.error}
            onSubmit={(password) => setPassword.mutate({ username, password })}
            extraButtons={<Button onClick={onClose}>Cancel</Button>}
          />
        </>
      )}
    </Dialog>
  );
}
