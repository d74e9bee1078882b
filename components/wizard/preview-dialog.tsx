'use client';
// "Preview API parameters": the tasks.create payload the CLI would send, passwords hidden.
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { Dialog } from '../ui/dialog';

export function PreviewDialog({ payload, onClose }: { payload: unknown; onClose: () => void }) {
  const json = JSON.stringify(payload, null, 2);
  return (
    <Dialog
      title="API Parameters"
      onClose={onClose}
      width="max-w-2xl"
      footer={
        <>
          <CopyButton text={json} variant="primary" />
          <Button onClick={onClose}>Close</Button>
        </>
      }
    >
      <p className="mb-2 text-xs text-gray-500">The parameters of tasks.create (the task definition the CLI takes as a JSON file). Passwords are hidden.</p>
      <pre data-testid="api-preview-json" className="overflow-x-auto rounded-sm bg-gray-50 p-3 text-xs leading-5 text-gray-800">
        {json}
      </pre>
    </Dialog>
  );
}
