'use client';
import { AppShell } from '../../components/shell/app-shell';
import { SettingsPage } from '../../components/settings/settings-page';

export default function Settings() {
  return (
    <AppShell>
      <SettingsPage />
    </AppShell>
  );
}
