'use client';
import { AppShell } from '../../components/shell/app-shell';
import { ConnectionsPage } from '../../components/settings/connections-page';

export default function Connections() {
  return (
    <AppShell>
      <ConnectionsPage />
    </AppShell>
  );
}
