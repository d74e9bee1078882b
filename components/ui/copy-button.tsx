'use client';
import { useState } from 'react';
import { Button } from './button';

/** copies a text to the clipboard and says so */
export function CopyButton({ text, label = 'Copy', variant = 'default' }: { text: string; label?: string; variant?: 'primary' | 'default' }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <Button variant={variant} onClick={() => void copy()} aria-live="polite">
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select and copy it' : label}
    </Button>
  );
}
