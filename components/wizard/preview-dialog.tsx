'use client';
// "Preview API parameters": the tasks.create payload the CLI would send, passwords hidden.
import { useState } from 'react';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';

export function PreviewDialog({ payload, onClose }: { payload: unknown; onClose: () => void }) {
  const json = JSON.stringify(payload, null, 2);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(json);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <Dialog
      title="API Parameters"
      onClose={onClose}
      width="max-w-2xl"
      footer={
        <>
          {copied && <span className="mr-auto self-center text-xs text-gray-500">{copied === 'yes' ? 'Copied' : 'Copy failed: select the text and copy it'}</span>}
          <Button variant="primary" onClick={() => void copy()}>
            Copy
          </Button>
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
