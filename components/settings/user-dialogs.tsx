'use client';
// Create User, Set Password (an administrator sets another user's password; your own needs the
// current one) and the Note that confirms Disable / Enable.
import { useState, type FormEvent } from 'react';
import type { Role } from '../data/me';
import { useCreateUser, useSetPassword, useSetUserDisabled, type UserView } from '../data/settings';
import { Button } from '../ui/button';
import { Dialog, NoteDialog } from '../ui/dialog';
import { Choice, Field, TextInput } from '../ui/field';
import { ROLE_HELP, ROLE_LABEL, ROLES } from '../ui/roles';
import { ErrorMessage } from '../ui/states';
import { PasswordForm } from './password-form';

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
        <Field label="Username" required htmlFor="new-username" help="Letters, digits and . _ - @; stored in lower case." error={field === 'username' ? create.error?.message : null}>
          <TextInput id="new-username" name="username" autoComplete="off" value={username} maxLength={64} onChange={(e) => setUsername(e.target.value)} data-autofocus />
        </Field>
        <Field label="Password" required htmlFor="new-user-password" error={field === 'password' ? create.error?.message : null}>
          <TextInput id="new-user-password" name="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field
          label="Role"
          required
          help={
            <span className="block space-y-0.5" data-testid="role-help">
              {ROLES.map((r) => (
                <span key={r} className={`block ${r === role ? 'text-gray-700' : ''}`}>
                  {ROLE_HELP[r]}
                </span>
              ))}
            </span>
          }
        >
          <Choice<Role> name="Role" value={role} onChange={setRole} options={ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))} />
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
  const setPassword = useSetPassword();
  return (
    <Dialog title={`Set Password: ${username}`} onClose={onClose} width="max-w-xl">
      {setPassword.isSuccess ? (
        <div role="status" className="space-y-3">
          <p className="rounded-sm border border-green-200 bg-green-50 px-3 py-2 text-green-800">
            The password of {username} was set.{' '}
            {self ? 'Your other browser sessions were signed out; this one stays signed in.' : `${username} is signed out of every browser and signs in with the new password.`}
          </p>
          <div className="flex justify-end">
            <Button variant="primary" onClick={onClose} data-autofocus>
              OK
            </Button>
          </div>
        </div>
      ) : (
        <>
          <p className="mb-2 text-xs text-gray-500">
            {self ? 'Setting your password signs you out of every other browser.' : `Setting a password signs ${username} out of every browser.`} API tokens stay valid until revoked.
          </p>
          <PasswordForm
            idPrefix="user"
            submitText="Set Password"
            askCurrent={self}
            pending={setPassword.isPending}
            error={setPassword.error}
            onSubmit={(password, currentPassword) => setPassword.mutate({ username, password, currentPassword })}
            extraButtons={<Button onClick={onClose}>Cancel</Button>}
          />
        </>
      )}
    </Dialog>
  );
}

/** Disable (its sessions and API tokens stop working at once) or Enable a user */
export function SetDisabledDialog({ user, onClose }: { user: UserView; onClose: () => void }) {
  const m = useSetUserDisabled();
  const disable = !user.disabled;
  return (
    <NoteDialog
      okText={disable ? 'Disable' : 'Enable'}
      danger={disable}
      pending={m.isPending}
      error={m.error}
      onCancel={onClose}
      onOk={() => m.mutate({ username: user.username, disabled: disable }, { onSuccess: onClose })}
    >
      {disable ? (
        <>
          <p>
            Disable the user <strong>{user.username}</strong>?
          </p>
          <p className="text-xs text-gray-500">
            {user.username} is signed out of every browser at once, and its API tokens stop working. Nothing is deleted: Enable gives the account back, with the same password and tokens.
          </p>
        </>
      ) : (
        <>
          <p>
            Enable the user <strong>{user.username}</strong>?
          </p>
          <p className="text-xs text-gray-500">{user.username} can sign in again with its password, and its API tokens work again (unless they expired).</p>
        </>
      )}
    </NoteDialog>
  );
}
