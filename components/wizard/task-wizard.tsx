'use client';
export type WizardMode = { kind: 'create' } | { kind: 'edit'; id: string } | { kind: 'reverseDirection'; forwardId: string };
export function TaskWizard({ mode }: { mode: WizardMode }) {
  return <p>wizard {mode.kind}</p>;
}
