'use client';
// Step 2: Configure Objects. Synchronization Types, Processing Mode of Conflicting Tables,
// Synchronization Topology, Exclude DDL Operations, Conflict Resolution Policy, Capitalization,
// and the object selector over the source's catalog. The reverse direction of a two-way pair
// shows fewer parameters (seed 003 step 14).
import { useState, type FormEvent, type ReactNode } from 'react';
import type { RouterOutputs } from '../data/tasks';
import { ObjectSelector } from '../objects/object-selector';
import { Button } from '../ui/button';
import { Choice, Field, SelectInput } from '../ui/field';
import { ErrorMessage, Loading } from '../ui/states';
import { hasObjects, type Capitalization, type WizardForm } from './form';
import { SyncOptions } from './sync-options';

type Catalog = RouterOutputs['endpoints']['introspect'];
type TableRef = { schema: string; name: string };

const CAPITALIZATION: Array<{ value: Capitalization; label: string }> = [
  { value: 'default', label: 'DTS default policy' },
  { value: 'source', label: 'Consistent with the source database' },
  { value: 'lower', label: 'lowercase' },
  { value: 'upper', label: 'UPPERCASE' },
];

export const FORM_ID = 'wizard-objects-form';

export function StepObjects({
  form,
  onChange,
  catalog,
  validateFilter,
  reverse,
  topologyLocked,
  disabledTables,
  errorOf,
  onSubmit,
  onPrevious,
  heading,
  banner,
}: {
  form: WizardForm;
  onChange: (f: WizardForm) => void;
  catalog: { data: Catalog | undefined; isPending: boolean; error: { message: string } | null; refetch: () => void };
  validateFilter: (table: TableRef, where: string) => Promise<string | null>;
  reverse: boolean;
  topologyLocked: boolean;
  disabledTables: TableRef[] | undefined;
  errorOf: (field: string) => string | null;
  onSubmit: () => void;
  onPrevious: () => void;
  heading: ReactNode;
  banner: ReactNode;
}) {
  // the reverse direction: the forward's tables mapped back, or objects chosen here
  const [chooseObjects, setChooseObjects] = useState(!reverse || form.objects !== null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canProceed) onSubmit();
  };
  const canProceed = reverse && !chooseObjects ? true : hasObjects(form.objects);
  const objectsError = errorOf('objects') ?? errorOf('objects.schemas') ?? errorOf('objects.where');
  return (
    <div className="space-y-4">
      <form id={FORM_ID} onSubmit={submit} noValidate className="space-y-4" aria-label="Configure Objects">
        {heading}
        <div className="rounded-sm border border-gray-200 bg-white px-4 py-2">
          <SyncOptions form={form} onChange={onChange} reverse={reverse} topologyLocked={topologyLocked} errorOf={errorOf} />
          {!reverse && (
            <Field label="Capitalization of Object Names in Destination Instance" htmlFor="capitalization" help="The capitalization of schema, table and column names in the destination instance.">
              <SelectInput id="capitalization" value={form.capitalization} onChange={(e) => onChange({ ...form, capitalization: e.target.value as Capitalization })}>
                {CAPITALIZATION.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </SelectInput>
            </Field>
          )}
          {reverse && (
            <Field label="Objects" help="We recommend that you do not use the object name mapping feature in the reverse direction. Otherwise, data inconsistency may occur.">
              <Choice
                name="Objects of the reverse direction"
                value={chooseObjects ? 'choose' : 'forward'}
                options={[
                  { value: 'forward', label: 'The forward direction’s tables, mapped back' },
                  { value: 'choose', label: 'Select objects' },
                ]}
                onChange={(v) => {
                  setChooseObjects(v === 'choose');
                  if (v === 'forward') onChange({ ...form, objects: null });
                }}
              />
            </Field>
          )}
        </div>
      </form>
      {chooseObjects && (
        <section aria-label="Objects to synchronize" className="rounded-sm border border-gray-200 bg-white p-3" data-testid="wizard-object-selector">
          {reverse && (
            <p className="mb-2 text-xs text-gray-600">
              You cannot select the objects that the forward direction already synchronizes (shown disabled). The reverse direction synchronizes incremental data only.
            </p>
          )}
          {catalog.isPending && <Loading what="Reading the objects of the source database" />}
          {catalog.error && (
            <div className="space-y-2">
              <ErrorMessage error={catalog.error} />
              <Button onClick={catalog.refetch}>Retry</Button>
            </div>
          )}
          {catalog.data && (
            <ObjectSelector
              catalog={catalog.data}
              value={form.objects}
              onChange={(objects) => onChange({ ...form, objects })}
              validateFilter={validateFilter}
              disabledTables={disabledTables}
            />
          )}
          {objectsError && (
            <p role="alert" className="mt-2 text-xs text-red-600">
              {objectsError}
            </p>
          )}
        </section>
      )}
      {banner}
      <div className="flex items-center gap-2">
        <Button onClick={onPrevious}>Previous</Button>
        <Button type="submit" form={FORM_ID} variant="primary" disabled={!canProceed}>
          Next: Advanced Settings
        </Button>
        {!canProceed && <span className="text-xs text-gray-500">Select at least one object to synchronize.</span>}
      </div>
    </div>
  );
}
