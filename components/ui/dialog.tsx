'use client';
// Modal dialogs. `Dialog` is the frame (Esc and the × close it, focus moves into it and is
// kept there with Tab); `NoteDialog` is the DTS console's confirmation: a "Note" title, the
// message, OK and Cancel, the server's refusal shown as it was given.
import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from './button';
import { ErrorMessage } from './states';

export function Dialog({
  title,
  onClose,
  children,
  footer,
  width = 'max-w-lg',
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  width?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    const previous = document.activeElement as HTMLElement | null;
    const focusables = () => Array.from(el?.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])') ?? []).filter((x) => !x.hasAttribute('disabled'));
    (focusables().find((x) => x.dataset.autofocus !== undefined) ?? focusables()[0])?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      } else if (e.key === 'Tab') {
        const f = focusables();
        if (f.length === 0) return;
        const first = f[0];
        const last = f[f.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-black/40 p-4 pt-[10vh]" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} role="dialog" aria-modal="true" aria-label={title} className={`w-full ${width} rounded-sm bg-white shadow-xl`}>
        <div className="flex items-center justify-between border-b border-gray-200 px-5 py-3">
          <h2 className="text-base font-semibold">{title}</h2>
          <button type="button" aria-label="Close" className="text-xl leading-none text-gray-400 hover:text-gray-700" onClick={onClose}>
            ×
          </button>
        </div>
        <div className="max-h-[70vh] overflow-y-auto px-5 py-4 text-sm">{children}</div>
        {footer && <div className="flex justify-end gap-2 border-t border-gray-200 px-5 py-3">{footer}</div>}
      </div>
    </div>
  );
}

export function NoteDialog({
  title = 'Note',
  children,
  onOk,
  onCancel,
  okText = 'OK',
  pending = false,
  error,
  danger = false,
  disabledReason,
}: {
  title?: string;
  children: ReactNode;
  onOk: () => void;
  onCancel: () => void;
  okText?: string;
  pending?: boolean;
  error?: { message: string } | string | null;
  danger?: boolean;
  /** OK is disabled, for this reason (for example the read-only role) */
  disabledReason?: string | null;
}) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      footer={
        <>
          <Button variant={danger ? 'danger' : 'primary'} onClick={onOk} disabled={pending} disabledReason={disabledReason} data-autofocus>
            {pending ? 'Working…' : okText}
          </Button>
          <Button onClick={onCancel}>Cancel</Button>
        </>
      }
    >
      <div className="flex gap-3">
        <span aria-hidden className="mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-orange-100 text-xs font-bold text-orange-600">
          !
        </span>
        <div className="flex-1 space-y-2">{children}</div>
      </div>
      <ErrorMessage error={error} className="mt-3" />
    </Dialog>
  );
}
