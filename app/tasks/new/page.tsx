'use client';
import { AppShell } from '../../../components/shell/app-shell';
import { TaskWizard } from '../../../components/wizard/task-wizard';

export default function NewTaskPage() {
  return (
    <AppShell>
      <TaskWizard mode={{ kind: 'create' }} />
    </AppShell>
  );
}
