'use client';
// A new password twice, for Change Password and an administrator's Set Password. Whether the
// password is good enough is the server's call (it says so).
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
}: {
  idPrefix: string;
  submitText: string;
  pending: boolean;
  error: { message: string } | null;
  onSubmit: (password: string) => void;
  extraButtons?: ReactNode;
}) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again !== '' && again !== password;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password === '' || password !== again) return;
    onSubmit(password);
  };
  return (
    <form onSubmit={submit} className="space-y-1">
      <Field label="New Password" required htmlFor={`${idPrefix}-password`}>
        <TextInput id={`${idPrefix}-password`} name="newPassword" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} data-autofocus />
      </Field>
      <Field label="Confirm Password" required htmlFor={`${idPrefix}-again`} error={mismatch ? 'The passwords do not match' : null}>
        <TextInput id={`${idPrefix}-again`} name="confirmPassword" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
      </Field>
      <ErrorMessage error={error} className="mt-2" />
      <div className="grid grid-cols-[200px_1fr] gap-3 pt-2">
        <span />
        <div className="flex gap-2">
          <Button type="submit" variant="primary" disabled={pending || password === '' || password !== again}>
            {pending ? 'Saving…' : submitText}
          </Button>
          {extraButtons}
        </div>
      </div>
    </form>
  );
}
