'use client';
// Change Password for the signed-in user. The server ends the user's browser sessions when the
// password changes (API tokens stay valid), so the user signs in again afterwards.
import { useQueryClient } from '@tanstack/react-query';
import { useSetPassword } from '../data/settings';
import { useTRPC } from '../data/trpc-provider';
import { Button } from '../ui/button';
import { Card } from './card';
import { PasswordForm } from './password-form';

export function ChangePasswordSection({ username }: { username: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const setPassword = useSetPassword();
  return (
    <Card id="change-password" title="Change Password" description={<>Signed in as <strong>{username}</strong>. Changing your password signs you out of every browser; your API tokens stay valid.</>}>
      <div className="max-w-3xl p-4">
        {setPassword.isSuccess ? (
          <div role="status" className="space-y-3">
            <p className="rounded-sm border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">Your password was changed. Sign in again with the new password.</p>
            <Button variant="primary" onClick={() => void qc.resetQueries({ queryKey: trpc.auth.me.queryKey() })}>
              Sign In Again
            </Button>
          </div>
        ) : (
          <PasswordForm
            idPrefix="own"
            submitText="Change Password"
            pending={setPassword.isPending}
            error={setPassword.error}
            onSubmit={(password) => setPassword.mutate({ username, password })}
          />
        )}
      </div>
    </Card>
  );
}
