'use client';
// Change Password for the signed-in user, with the current password. The server ends the user's
// other browser sessions when the password changes (this one stays; API tokens stay valid).
import { useSetPassword } from '../data/settings';
import { Button } from '../ui/button';
import { Card } from './card';
import { PasswordForm } from './password-form';

export function ChangePasswordSection({ username }: { username: string }) {
  const setPassword = useSetPassword();
  return (
    <Card
      id="change-password"
      title="Change Password"
      description={
        <>
          Signed in as <strong>{username}</strong>. Changing your password signs you out of every other browser; this one stays signed in, and your API tokens stay valid.
        </>
      }
    >
      <div className="max-w-3xl p-4">
        {setPassword.isSuccess ? (
          <div role="status" className="space-y-3">
            <p className="rounded-sm border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
              Your password was changed. Your other browser sessions were signed out; use the new password from now on.
            </p>
            <Button onClick={() => setPassword.reset()}>OK</Button>
          </div>
        ) : (
          <PasswordForm
            idPrefix="own"
            submitText="Change Password"
            askCurrent
            pending={setPassword.isPending}
            error={setPassword.error}
            onSubmit={(password, currentPassword) => setPassword.mutate({ username, password, currentPassword })}
          />
        )}
      </div>
    </Card>
  );
}
