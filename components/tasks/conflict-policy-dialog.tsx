'use client';
// Change Conflict Resolution Policy: for a reverse task or a two-way direction that is Paused or
// Failed (a task Failed under TaskFailed is told to change the policy). The task keeps its place;
// Start resumes it with the new policy.
import { useState } from 'react';
import { useReadOnlyReason } from '../data/me';
import { useTaskStateActions, type TaskDetail } from '../data/tasks';
import { NoteDialog } from '../ui/dialog';
import { isConflictPolicy, type ConflictPolicy } from './conflict-policy';
import { ConflictPolicyField } from './conflict-policy-field';

export function ConflictPolicyDialog({ task, onClose }: { task: TaskDetail; onClose: () => void }) {
  const { configure } = useTaskStateActions();
  const readOnly = useReadOnlyReason('tasks');
  const current = task.settings.conflictPolicy;
  const [policy, setPolicy] = useState<ConflictPolicy>(isConflictPolicy(current) ? current : 'TaskFailed');
  return (
    <NoteDialog
      title="Change Conflict Resolution Policy"
      okText="Save"
      pending={configure.isPending}
      error={configure.error}
      disabledReason={readOnly}
      onCancel={onClose}
      onOk={() => configure.mutate({ id: task.id, settings: { conflictPolicy: policy } }, { onSuccess: onClose })}
    >
      <p className="mb-3 text-sm text-gray-700">
        The task {task.id} is {task.status}. The policy decides what it does when a row it writes conflicts with the destination&apos;s; start the task again to resume with it.
      </p>
      <div data-testid="change-conflict-policy">
        <ConflictPolicyField value={policy} onChange={setPolicy} disabled={!!readOnly} />
      </div>
    </NoteDialog>
  );
}
