'use client';
// The precheck item dialogs: "View Details" of a failed item (Cause and Fix), and "Confirm
// Alert Details" of a warning, whose Ignore asks for confirmation in a Note.
import { useState } from 'react';
import type { PrecheckRun } from '../data/tasks';
import { Button } from '../ui/button';
import { Dialog, NoteDialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/states';

export type PrecheckItem = PrecheckRun['items'][number];

function CauseAndFix({ item }: { item: PrecheckItem }) {
  return (
    <dl className="space-y-3" data-testid="precheck-item-details">
      <div>
        <dt className="text-xs font-semibold text-gray-500">Check Item</dt>
        <dd>{item.name}</dd>
      </div>
      <div>
        <dt className="text-xs font-semibold text-gray-500">Cause</dt>
        <dd className="whitespace-pre-wrap">{item.cause ?? '-'}</dd>
      </div>
      <div>
        <dt className="text-xs font-semibold text-gray-500">Fix</dt>
        <dd className="whitespace-pre-wrap">{item.fix ?? '-'}</dd>
      </div>
    </dl>
  );
}

export function ItemDetailsDialog({ item, onClose }: { item: PrecheckItem; onClose: () => void }) {
  return (
    <Dialog title="View Details" onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
      <CauseAndFix item={item} />
    </Dialog>
  );
}

export function AlertDetailsDialog({
  item,
  onClose,
  onIgnore,
  pending,
  error,
  disabledReason,
}: {
  item: PrecheckItem;
  onClose: () => void;
  onIgnore: () => void;
  pending: boolean;
  error: { message: string } | null;
  /** Ignore is disabled, for this reason (the read-only role) */
  disabledReason?: string | null;
}) {
  const [confirming, setConfirming] = useState(false);
  if (confirming) {
    return (
      <NoteDialog onOk={onIgnore} onCancel={() => setConfirming(false)} pending={pending} error={error} disabledReason={disabledReason}>
        <p>If you ignore the alert item, data inconsistency may occur, and your business may be exposed to potential risks. Continue?</p>
      </NoteDialog>
    );
  }
  return (
    <Dialog
      title="View Details"
      onClose={onClose}
      footer={
        <>
          <Button variant="primary" onClick={() => setConfirming(true)} disabled={item.ignored} disabledReason={disabledReason}>
            Ignore
          </Button>
          <Button onClick={onClose}>Close</Button>
        </>
      }
    >
      <CauseAndFix item={item} />
      {item.ignored && <p className="mt-3 text-xs text-gray-500">This alert item is ignored.</p>}
      <ErrorMessage error={error} className="mt-3" />
    </Dialog>
  );
}
