'use client';
// The options of step 2 above the object selector, in the seed's wording.
import { ConflictPolicyField } from '../tasks/conflict-policy-field';
import { Choice, Field } from '../ui/field';
import type { ConflictingTables, WizardForm } from './form';

const SYNC_TYPES = [
  { key: 'schema', label: 'Schema Synchronization' },
  { key: 'full', label: 'Full Data Synchronization' },
  { key: 'incremental', label: 'Incremental Data Synchronization' },
] as const;

export function SyncOptions({
  form,
  onChange,
  reverse,
  topologyLocked,
  errorOf,
}: {
  form: WizardForm;
  onChange: (f: WizardForm) => void;
  reverse: boolean;
  topologyLocked: boolean;
  errorOf: (field: string) => string | null;
}) {
  const twoWay = reverse || form.topology === 'TwoWay';
  return (
    <>
      {reverse ? (
        <Field label="Synchronization Types">
          <p className="pt-1.5 text-sm text-gray-700">Incremental Data Synchronization</p>
          <p className="mt-1 text-xs text-gray-500">
            The reverse direction synchronizes incremental data only: schema and full data go in the forward direction only. Exclude DDL Operations is set only for the forward direction (DDL
            operations are ignored in the reverse direction).
          </p>
        </Field>
      ) : (
        <Field label="Synchronization Types" required error={errorOf('syncTypes')} help="Schema and full data synchronization copy the historical data that incremental synchronization builds on.">
          <div role="group" aria-label="Synchronization Types" className="flex flex-wrap gap-4 pt-1">
            {SYNC_TYPES.map((t) => (
              <label key={t.key} className="inline-flex items-center gap-1.5 text-sm">
                <input
                  type="checkbox"
                  className="accent-[#ff6a00]"
                  checked={form.syncTypes[t.key]}
                  onChange={(e) => onChange({ ...form, syncTypes: { ...form.syncTypes, [t.key]: e.target.checked } })}
                />
                {t.label}
              </label>
            ))}
          </div>
        </Field>
      )}
      <Field label="Processing Mode of Conflicting Tables" required error={errorOf('settings.conflictingTables')}>
        <Choice<ConflictingTables>
          name="Processing Mode of Conflicting Tables"
          value={form.conflictingTables}
          onChange={(v) => onChange({ ...form, conflictingTables: v })}
          options={[
            { value: 'PrecheckAndReportErrors', label: 'Precheck and Report Errors' },
            { value: 'IgnoreErrorsAndProceed', label: 'Ignore Errors and Proceed' },
          ]}
        />
        {form.conflictingTables === 'IgnoreErrorsAndProceed' ? (
          <p role="note" className="mt-2 rounded-sm border border-orange-200 bg-orange-50 px-3 py-2 text-xs text-orange-800" data-testid="ignore-errors-warning">
            <strong>Warning:</strong> If you select Ignore Errors and Proceed, data inconsistency may occur, and your business may be exposed to potential risks. If the source and destination
            databases have the same schemas and a record has the same primary key value as an existing record in the destination database, full data synchronization keeps the existing record and
            incremental data synchronization overwrites it. If the schemas differ, data may fail to be initialized, only some columns may be synchronized, or the task may fail. Operate with caution.
          </p>
        ) : (
          <p className="mt-1 text-xs text-gray-500">Checks whether the destination database contains tables that have the same names as tables in the source database; if it does, the precheck reports an error.</p>
        )}
      </Field>
      {!reverse && (
        <>
          <Field label="Synchronization Topology" required help={topologyLocked ? 'The topology of an existing task cannot be changed.' : undefined}>
            <Choice
              name="Synchronization Topology"
              value={form.topology}
              disabled={topologyLocked}
              onChange={(v) => onChange({ ...form, topology: v })}
              options={[
                { value: 'OneWay', label: 'One-way Synchronization' },
                { value: 'TwoWay', label: 'Two-way Synchronization' },
              ]}
            />
          </Field>
          <Field label="Exclude DDL Operations" required error={errorOf('settings.excludeDdl')} help={form.excludeDdl ? 'Yes: excludes DDL operations.' : 'No: synchronizes DDL operations.'}>
            <Choice
              name="Exclude DDL Operations"
              value={form.excludeDdl ? 'yes' : 'no'}
              onChange={(v) => onChange({ ...form, excludeDdl: v === 'yes' })}
              options={[
                { value: 'yes', label: 'Yes' },
                { value: 'no', label: 'No' },
              ]}
            />
          </Field>
        </>
      )}
      {twoWay && (
        <ConflictPolicyField value={form.conflictPolicy} onChange={(v) => onChange({ ...form, conflictPolicy: v })} error={errorOf('settings.conflictPolicy')} />
      )}
    </>
  );
}
