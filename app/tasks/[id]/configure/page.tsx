'use client';
import { Suspense } from 'react';
import { useParams, useSearchParams } from 'next/navigation';
import { AppShell } from '../../../../components/shell/app-shell';
import { TaskWizard } from '../../../../components/wizard/task-wizard';

/** Configure Task: an existing task, or (?direction=reverse) the reverse direction of a two-way pair */
function Configure() {
  const { id } = useParams<{ id: string }>();
  const reverse = useSearchParams().get('direction') === 'reverse';
  return reverse ? <TaskWizard mode={{ kind: 'reverseDirection', forwardId: id }} /> : <TaskWizard mode={{ kind: 'edit', id }} />;
}

export default function ConfigureTaskPage() {
  return (
    <AppShell>
      <Suspense>
        <Configure />
      </Suspense>
    </AppShell>
  );
}
