'use client';
// Settings: API tokens, the signed-in user's password, and (administrators) the users.
import { useMe } from '../shell/app-shell';
import { ErrorMessage, Loading } from '../ui/states';
import { ApiTokensSection } from './api-tokens-section';
import { ChangePasswordSection } from './change-password-section';
import { UsersSection } from './users-section';

export function SettingsPage() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.error) return <ErrorMessage error={me.error} />;
  const { username, role } = me.data.user;
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold text-gray-900">Settings</h1>
      <ApiTokensSection />
      <ChangePasswordSection username={username} />
      {role === 'admin' && <UsersSection me={username} />}
    </div>
  );
}
