'use client';
// The dialog an action of the Actions column opens: a Note to confirm (the server's refusal is
// shown in it as given, and it stays open), then "Task Paused" or the new reverse task; the
// failover actions open the pair action dialog.
import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { useReadOnlyReason } from '../data/me';
import { useTaskStateActions, type TaskSummary } from '../data/tasks';
import { PairActionDialog } from '../failover/pair-action-dialog';
import { Button } from '../ui/button';
import { Dialog, NoteDialog } from '../ui/dialog';
import { noteFor, type ConfirmKind } from './action-notes';
import type { ConflictPolicy } from './conflict-policy';
import { ConflictPolicyField } from './conflict-policy-field';

export type DialogKind = ConfirmKind | 'failover' | 'switchover' | 'switchBack';

export function TaskActionDialog({ task, kind, onClose }: { task: TaskSummary; kind: DialogKind; onClose: () => void }) {
  if (kind === 'failover' || kind === 'switchover' || kind === 'switchBack') return <PairActionDialog taskId={task.id} action={kind} onClose={onClose} />;
  return <ConfirmDialog task={task} kind={kind} onClose={onClose} />;
}

type Done = { title: string; body: ReactNode } | null;

function ConfirmDialog({ task, kind, onClose }: { task: TaskSummary; kind: ConfirmKind; onClose: () => void }) {
  const actions = useTaskStateActions();
  const readOnly = useReadOnlyReason('tasks');
  const [done, setDone] = useState<Done>(null);
  // a reverse task writes back over the old source: Overwrite lets the side that took over win
  const [policy, setPolicy] = useState<ConflictPolicy>('Overwrite');
  const note = noteFor(kind, task);
  const mutation = kind === 'startReverse' ? actions.start : actions[kind];

  const ok = () => {
    const input = { id: task.id };
    if (kind === 'createReverse') {
      actions.createReverse.mutate({ ...input, conflictPolicy: policy }, {
        onSuccess: (reverse) =>
          setDone({
            title: 'Reverse Task Created',
            body: (
              <p>
                The reverse task{' '}
                <Link href={`/tasks/${reverse.id}`} className="font-mono text-[#0070cc] hover:underline" data-testid="reverse-task-link">
                  {reverse.id}
                </Link>{' '}
                has been created with the Conflict Resolution Policy {reverse.settings.conflictPolicy}, and its precheck has started. It collects incremental data but does not write it until you start it.
              </p>
            ),
          }),
      });
      return;
    }
    const m = kind === 'startReverse' ? actions.start : actions[kind];
    m.mutate(input, {
      onSuccess: () => {
        if (kind === 'pause') setDone({ title: 'Task Paused', body: <p>The task {task.id} has been paused. Start it again to resume synchronization from where it stopped.</p> });
        else onClose();
      },
    });
  };

  if (done) {
    return (
      <Dialog
        title={done.title}
        onClose={onClose}
        footer={
          <Button variant="primary" onClick={onClose} data-autofocus>
            OK
          </Button>
        }
      >
        {done.body}
      </Dialog>
    );
  }
  return (
    <NoteDialog onOk={ok} onCancel={onClose} okText={note.okText} danger={note.danger} pending={mutation.isPending} error={mutation.error} disabledReason={readOnly}>
      {note.body}
      {kind === 'createReverse' && (
        <div className="mt-3 border-t border-gray-100 pt-3" data-testid="reverse-conflict-policy">
          <ConflictPolicyField value={policy} onChange={setPolicy} disabled={!!readOnly} />
        </div>
      )}
    </NoteDialog>
  );
}
