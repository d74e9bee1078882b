'use client';
import { useParams } from 'next/navigation';
import { AppShell } from '../../../components/shell/app-shell';
import { TaskDetailsPage } from '../../../components/task-details/task-details-page';

export default function TaskPage() {
  const { id } = useParams<{ id: string }>();
  return (
    <AppShell>
      <TaskDetailsPage id={id} />
    </AppShell>
  );
}
