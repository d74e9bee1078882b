'use client';
// Step 3: Advanced Settings. Retry times, throttling, full load parallelism, alerts, environment
// tag; "Preview API parameters" and "Next: Save Task Settings and Precheck".
import { useState, type FormEvent, type ReactNode } from 'react';
import { useReadOnlyReason } from '../data/me';
import { Button } from '../ui/button';
import { Choice, Field, SelectInput, TextInput } from '../ui/field';
import type { SettingsForm, WizardForm } from './form';
import { PreviewDialog } from './preview-dialog';

const TAGS = ['Development', 'Testing', 'Production'];

export function StepAdvanced({
  form,
  onChange,
  reverse,
  errorOf,
  saving,
  preview,
  onSubmit,
  onPrevious,
  heading,
  banner,
}: {
  form: WizardForm;
  onChange: (f: WizardForm) => void;
  reverse: boolean;
  errorOf: (field: string) => string | null;
  saving: boolean;
  /** the payload "Preview API parameters" shows */
  preview: () => unknown;
  onSubmit: () => void;
  onPrevious: () => void;
  heading: ReactNode;
  banner: ReactNode;
}) {
  const [previewing, setPreviewing] = useState<unknown>(null);
  const readOnly = useReadOnlyReason('tasks');
  const s = form.settings;
  const set = (patch: Partial<SettingsForm>) => onChange({ ...form, settings: { ...s, ...patch } });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!readOnly) onSubmit();
  };
  const err = (k: keyof SettingsForm) => errorOf(`settings.${k}`);
  const yesNo = [
    { value: 'yes', label: 'Yes' },
    { value: 'no', label: 'No' },
  ];
  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Advanced Settings">
      {heading}
      <div className="rounded-sm border border-gray-200 bg-white px-4 py-2">
        <Field label="Set Alerts" htmlFor="set-alerts" help="Not supported yet for this engine">
          <SelectInput id="set-alerts" disabled value="no" onChange={() => undefined}>
            <option value="no">No</option>
          </SelectInput>
        </Field>
        <Field label="Retry Time for Failed Connections" required htmlFor="retry-connection" error={err('retryConnectionMinutes')} help="Valid values: 10 to 1440. Unit: minutes. Default value: 720. We recommend a value greater than 30.">
          <TextInput id="retry-connection" inputMode="numeric" className="!max-w-32" value={s.retryConnectionMinutes} onChange={(e) => set({ retryConnectionMinutes: e.target.value })} />
        </Field>
        <Field
          label="The wait time before a retry when other issues occur in the source and destination databases"
          required
          htmlFor="retry-other"
          error={err('retryOtherMinutes')}
          help="Valid values: 1 to 1440. Unit: minutes. Default value: 10. The value of this parameter must be smaller than the value of the Retry Time for Failed Connections parameter."
        >
          <TextInput id="retry-other" inputMode="numeric" className="!max-w-32" value={s.retryOtherMinutes} onChange={(e) => set({ retryOtherMinutes: e.target.value })} />
        </Field>
        {!reverse && form.syncTypes.full && (
          <>
            <Field label="Enable Throttling for Full Data Migration" help="Limits the load of full data synchronization on the source and destination databases.">
              <Choice name="Enable Throttling for Full Data Migration" value={s.fullThrottle ? 'yes' : 'no'} onChange={(v) => set({ fullThrottle: v === 'yes' })} options={yesNo} />
            </Field>
            {s.fullThrottle && (
              <>
                <Field label="RPS of Full Data Migration" htmlFor="full-rps" error={err('fullRps')} help="Rows per second; empty for no limit.">
                  <TextInput id="full-rps" inputMode="numeric" className="!max-w-40" value={s.fullRps} onChange={(e) => set({ fullRps: e.target.value })} />
                </Field>
                <Field label="BPS of Full Data Migration" htmlFor="full-bps" error={err('fullBps')} help="Bytes per second; empty for no limit.">
                  <TextInput id="full-bps" inputMode="numeric" className="!max-w-40" value={s.fullBps} onChange={(e) => set({ fullBps: e.target.value })} />
                </Field>
              </>
            )}
          </>
        )}
        <Field label="Enable Throttling for Incremental Data Synchronization">
          <Choice name="Enable Throttling for Incremental Data Synchronization" value={s.incrementalThrottle ? 'yes' : 'no'} onChange={(v) => set({ incrementalThrottle: v === 'yes' })} options={yesNo} />
        </Field>
        {s.incrementalThrottle && (
          <>
            <Field label="RPS of Incremental Data Migration" htmlFor="incremental-rps" error={err('incrementalRps')} help="Rows per second; empty for no limit.">
              <TextInput id="incremental-rps" inputMode="numeric" className="!max-w-40" value={s.incrementalRps} onChange={(e) => set({ incrementalRps: e.target.value })} />
            </Field>
            <Field label="BPS of Incremental Data Migration" htmlFor="incremental-bps" error={err('incrementalBps')} help="Bytes per second; empty for no limit.">
              <TextInput id="incremental-bps" inputMode="numeric" className="!max-w-40" value={s.incrementalBps} onChange={(e) => set({ incrementalBps: e.target.value })} />
            </Field>
          </>
        )}
        {!reverse && form.syncTypes.full && (
          <Field label="Full Load Parallelism" required htmlFor="full-parallelism" error={err('fullParallelism')} help="Parallel copy workers during full data synchronization: 1 to 16.">
            <TextInput id="full-parallelism" inputMode="numeric" className="!max-w-32" value={s.fullParallelism} onChange={(e) => set({ fullParallelism: e.target.value })} />
          </Field>
        )}
        <Field label="Environment Tag" htmlFor="environment-tag" error={err('environmentTag')}>
          <SelectInput id="environment-tag" className="!max-w-60" value={s.environmentTag} onChange={(e) => set({ environmentTag: e.target.value })}>
            <option value="">None</option>
            {TAGS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
            {s.environmentTag && !TAGS.includes(s.environmentTag) && <option value={s.environmentTag}>{s.environmentTag}</option>}
          </SelectInput>
        </Field>
      </div>
      {banner}
      <div className="flex flex-wrap items-center gap-2">
        <Button onClick={onPrevious}>Previous</Button>
        <Button type="submit" variant="primary" disabled={saving} disabledReason={readOnly}>
          Next: Save Task Settings and Precheck
        </Button>
        {saving && <span className="text-xs text-gray-500">Saving the task and starting the precheck…</span>}
        <Button variant="link" className="ml-2" onClick={() => setPreviewing(preview())}>
          Preview API parameters
        </Button>
      </div>
      {previewing !== null && <PreviewDialog payload={previewing} onClose={() => setPreviewing(null)} />}
    </form>
  );
}
