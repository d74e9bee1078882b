'use client';
// Create Token: a name and an expiry in, the token out, shown once with a Copy button.
import { useState, type FormEvent } from 'react';
import { useTokenActions } from '../data/settings';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Field, SelectInput, TextInput } from '../ui/field';
import { formatTime } from '../ui/format';
import { ErrorMessage } from '../ui/states';
import { CopyButton } from '../ui/copy-button';
import { EXPIRY_CHOICES, expiresInDays } from './token-expiry';

export function CreateTokenDialog({ onClose }: { onClose: () => void }) {
  const { create } = useTokenActions();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('');
  const field = create.error?.data?.field ?? null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), expiresInDays: expiresInDays(expiry) });
  };
  const token = create.data?.token;
  if (token) {
    return (
      <Dialog
        title="API Token Created"
        onClose={onClose}
        footer={
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        }
      >
        <div className="space-y-3" data-testid="new-api-token">
          <p className="rounded-sm border border-orange-200 bg-orange-50 px-3 py-2 text-xs text-orange-800">
            Copy the token now. It will not be shown again: the console keeps only its fingerprint.
          </p>
          <div className="flex items-center gap-2">
            <input
              readOnly
              aria-label="API token"
              name="token"
              value={token}
              onFocus={(e) => e.target.select()}
              className="min-w-0 flex-1 rounded-sm border border-gray-300 bg-gray-50 px-2 py-1 font-mono text-xs"
            />
            <CopyButton text={token} />
          </div>
          <p className="text-xs text-gray-600" data-testid="new-api-token-expiry">
            {create.data?.expiresAt ? `It stops working at ${formatTime(create.data.expiresAt)}.` : 'It works until you revoke it.'}
          </p>
          <div className="text-xs text-gray-600">
            <p className="mb-1">Use it with the command line tool:</p>
            <pre className="overflow-x-auto rounded-sm bg-gray-900 px-3 py-2 font-mono text-gray-100">DTS_TOKEN={token} dts task list</pre>
          </div>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title="Create Token" onClose={onClose}>
      <form onSubmit={submit} className="space-y-2">
        <Field label="Token Name" required htmlFor="token-name" help="For example the machine or program that uses it: laptop, ci, prometheus.">
          <TextInput id="token-name" name="tokenName" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} data-autofocus required />
        </Field>
        <Field label="Expiration" htmlFor="token-expiry" help="After this the token stops working; create a new one then." error={field === 'expiresInDays' ? create.error?.message : null}>
          <SelectInput id="token-expiry" name="expiresInDays" className="!max-w-48" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </SelectInput>
        </Field>
        {field !== 'expiresInDays' && <ErrorMessage error={create.error} />}
        <div className="flex justify-end gap-2 border-t border-gray-200 pt-3">
          <Button type="submit" variant="primary" disabled={create.isPending || name.trim() === ''}>
            {create.isPending ? 'Creating…' : 'Create'}
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
    </Dialog>
  );
}
