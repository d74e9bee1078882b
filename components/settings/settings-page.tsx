'use client';
// Settings: API tokens, the signed-in user's password, and (administrators) every user's tokens
// and the users.
import { useMe } from '../data/me';
import { ErrorMessage, Loading } from '../ui/states';
import { AllTokensSection, ApiTokensSection } from './api-tokens-section';
import { ChangePasswordSection } from './change-password-section';
import { UsersSection } from './users-section';

export function SettingsPage() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.error) return <ErrorMessage error={me.error} />;
  const { username } = me.data.user;
  const admin = me.data.permissions.admin;
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold text-gray-900">Settings</h1>
      <ApiTokensSection />
      <ChangePasswordSection username={username} />
      {admin && <UsersSection me={username} />}
      {admin && <AllTokensSection />}
    </div>
  );
}
