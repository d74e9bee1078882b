'use client';
// Step 1: Task Name, Source Database and Destination Database, "Test Connectivity and Proceed".
import type { FormEvent, ReactNode } from 'react';
import { useReadOnlyReason } from '../data/me';
import { Button } from '../ui/button';
import { Field, TextInput } from '../ui/field';
import { EndpointFieldset, type SideResult } from './endpoint-fieldset';
import type { Connection, EndpointForm, Side, WizardForm } from './form';
import { LimitsBox, ReverseDirectionNotes } from './limits-box';

export function StepConnections({
  form,
  onChange,
  connections,
  passwordPlaceholder,
  readOnly,
  errorOf,
  results,
  testing,
  onSubmit,
  heading,
  banner,
}: {
  form: WizardForm;
  onChange: (f: WizardForm) => void;
  connections: Connection[] | undefined;
  passwordPlaceholder: Record<Side, string | undefined>;
  /** the reverse direction of a two-way pair: its endpoints are the forward's, swapped */
  readOnly: boolean;
  errorOf: (field: string) => string | null;
  results: Record<Side, SideResult>;
  testing: boolean;
  onSubmit: () => void;
  heading: ReactNode;
  banner: ReactNode;
}) {
  // a viewer (the read-only role) cannot test connections or save a task: disabled, with the reason
  const viewerReason = useReadOnlyReason('tasks');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!viewerReason) onSubmit();
  };
  const setSide = (side: Side) => (e: EndpointForm) => onChange({ ...form, [side]: e });
  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Configure Source and Destination Databases">
      {heading}
      <LimitsBox />
      {readOnly && <ReverseDirectionNotes />}
      <div className="rounded-sm border border-gray-200 bg-white px-4 py-2">
        <Field label="Task Name" required htmlFor="task-name" error={errorOf('name')} help="We recommend a descriptive name that makes it easy to identify the task. The name does not need to be unique.">
          <TextInput id="task-name" value={form.name} disabled={readOnly} onChange={(e) => onChange({ ...form, name: e.target.value, nameTouched: true })} />
        </Field>
      </div>
      <div className="grid gap-4 2xl:grid-cols-2">
        {(['source', 'destination'] as const).map((side) => (
          <EndpointFieldset
            key={side}
            side={side}
            value={form[side]}
            onChange={setSide(side)}
            connections={connections}
            passwordPlaceholder={passwordPlaceholder[side]}
            readOnly={readOnly}
            errorOf={errorOf}
            result={results[side]}
          />
        ))}
      </div>
      {banner}
      <div className="flex items-center gap-2">
        <Button type="submit" variant="primary" disabled={testing} disabledReason={viewerReason}>
          Test Connectivity and Proceed
        </Button>
        {testing && <span className="text-xs text-gray-500">Testing the connectivity of both databases…</span>}
      </div>
    </form>
  );
}
