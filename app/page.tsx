'use client';
import { TaskListPage } from '../components/tasks/task-list-page';
import { AppShell } from '../components/shell/app-shell';

export default function HomePage() {
  return (
    <AppShell>
      <TaskListPage />
    </AppShell>
  );
}
