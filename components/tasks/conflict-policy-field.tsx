'use client';
// The Conflict Resolution Policy field, in the seed's wording: the wizard's two-way step and the
// Create Reverse Task note both use it.
import { Choice, Field } from '../ui/field';
import { POLICY_HELP, type ConflictPolicy } from './conflict-policy';

export function ConflictPolicyField({ value, onChange, error, disabled }: { value: ConflictPolicy; onChange: (v: ConflictPolicy) => void; error?: string | null; disabled?: boolean }) {
  return (
    <Field label="Conflict Resolution Policy" required error={error} help={POLICY_HELP[value]}>
      <Choice<ConflictPolicy>
        name="Conflict Resolution Policy"
        value={value}
        onChange={onChange}
        disabled={disabled}
        options={[
          { value: 'TaskFailed', label: 'TaskFailed' },
          { value: 'Ignore', label: 'Ignore' },
          { value: 'Overwrite', label: 'Overwrite' },
        ]}
      />
    </Field>
  );
}
