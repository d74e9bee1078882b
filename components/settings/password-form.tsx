'use client';
// A new password twice, for Change Password and an administrator's Set Password; with
// `askCurrent` (your own password) the current one first. Whether the password is good enough,
// and whether the current one is right, is the server's call (it says so, naming the field).
import { useState, type FormEvent, type ReactNode } from 'react';
import { Button } from '../ui/button';
import { Field, TextInput } from '../ui/field';
import { ErrorMessage } from '../ui/states';

export function PasswordForm({
  idPrefix,
  submitText,
  pending,
  error,
  onSubmit,
  extraButtons,
  askCurrent = false,
}: {
  idPrefix: string;
  submitText: string;
  pending: boolean;
  error: { message: string; data?: { field?: string | null } | null } | null;
  onSubmit: (password: string, currentPassword?: string) => void;
  extraButtons?: ReactNode;
  askCurrent?: boolean;
}) {
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again !== '' && again !== password;
  const field = error?.data?.field ?? null;
  const ready = password !== '' && password === again && (!askCurrent || current !== '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    onSubmit(password, askCurrent ? current : undefined);
  };
  return (
    <form onSubmit={submit} className="space-y-1">
      {askCurrent && (
        <Field label="Current Password" required htmlFor={`${idPrefix}-current`} error={field === 'currentPassword' ? error?.message : null}>
          <TextInput
            id={`${idPrefix}-current`}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            data-autofocus
          />
        </Field>
      )}
      <Field label="New Password" required htmlFor={`${idPrefix}-password`} error={field === 'password' ? error?.message : null}>
        <TextInput
          id={`${idPrefix}-password`}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-autofocus={askCurrent ? undefined : true}
        />
      </Field>
      <Field label="Confirm Password" required htmlFor={`${idPrefix}-again`} error={mismatch ? 'The passwords do not match' : null}>
        <TextInput id={`${idPrefix}-again`} name="confirmPassword" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
      </Field>
      {field !== 'currentPassword' && field !== 'password' && <ErrorMessage error={error} className="mt-2" />}
      <div className="grid grid-cols-[200px_1fr] gap-3 pt-2">
        <span />
        <div className="flex gap-2">
          <Button type="submit" variant="primary" disabled={pending || !ready}>
            {pending ? 'Saving…' : submitText}
          </Button>
          {extraButtons}
        </div>
      </div>
    </form>
  );
}
