'use client';
import { AuditPage } from '../../components/audit/audit-page';
import { AppShell } from '../../components/shell/app-shell';

export default function Audit() {
  return (
    <AppShell>
      <AuditPage />
    </AppShell>
  );
}
