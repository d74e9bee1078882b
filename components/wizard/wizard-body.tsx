'use client';
// The wizard's steps and state: the form, the current step, the task once saved, and the
// server's error (with the field it names, shown at that field and on its step).
import { useEffect, useMemo, useRef, useState } from 'react';
import { useConnections } from '../data/settings';
import { useCatalog, useValidateFilter, type ServerError } from '../data/wizard';
import type { TaskDetail } from '../data/tasks';
import { PrecheckPanel } from '../precheck/precheck-panel';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/states';
import { generatedName, type Side, type WizardForm } from './form';
import { endpointRef, forwardTablesOnDestination, previewPayload, requiredErrors, reversePayload, stepOfField } from './payload';
import { STEPS, StepIndicator, type Step } from './step-indicator';
import { StepAdvanced } from './step-advanced';
import { StepConnections } from './step-connections';
import { StepObjects } from './step-objects';
import { useConnectivity, useSaveAndPrecheck, type SavedTask, type StoredRefs } from './use-wizard-actions';

export interface WizardInit {
  form: WizardForm;
  step: Step;
  /** the task being configured (edit mode) */
  saved: SavedTask | null;
  /** the reverse direction of a two-way pair (new, or being edited) */
  reverse: boolean;
  /** its forward direction */
  forward: TaskDetail | null;
}

/** the fields the steps show with their own error line */
const INLINE_FIELD =
  /^(name|(source|destination)\.(engine|host|port|database|user|password|connectionId)|syncTypes|objects|settings\.(retryConnectionMinutes|retryOtherMinutes|fullRps|fullBps|incrementalRps|incrementalBps|fullParallelism|environmentTag|conflictingTables|conflictPolicy|excludeDdl))(\.|$)/;

const storedOf = (t: TaskDetail): StoredRefs => ({
  source: { taskId: t.id, side: 'source', endpoint: t.source },
  destination: { taskId: t.id, side: 'destination', endpoint: t.destination },
});

export function WizardBody({ init }: { init: WizardInit }) {
  const [form, setFormState] = useState(init.form);
  const [step, setStep] = useState<Step>(init.step);
  const [saved, setSaved] = useState<SavedTask | null>(init.saved);
  const [serverError, setServerError] = useState<ServerError | null>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const { reverse, forward } = init;
  const createdAt = useRef(new Date());
  const connections = useConnections();
  const connectivity = useConnectivity();
  const saving = useSaveAndPrecheck();

  // focus moves to the step's heading when the step changes (not on the first render)
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    document.getElementById('wizard-step-heading')?.focus();
  }, [step]);

  const setForm = (f: WizardForm) => {
    // the generated name follows the engines until the operator changes it
    setFormState(f.nameTouched || saved || reverse ? f : { ...f, name: generatedName(f.source.engine, f.destination.engine, createdAt.current) });
    setClientErrors({});
  };
  const goStep = (s: Step) => {
    setStep(s);
    window.scrollTo({ top: 0 });
  };

  // where the passwords are when not typed: the saved task, or (new reverse direction) the forward, swapped
  const stored: StoredRefs = useMemo(
    () =>
      saved
        ? storedOf(saved.task)
        : reverse && forward
          ? { source: { taskId: forward.id, side: 'destination', endpoint: forward.destination }, destination: { taskId: forward.id, side: 'source', endpoint: forward.source } }
          : { source: null, destination: null },
    [saved, reverse, forward],
  );
  const catalogRef = useMemo(() => (step >= 2 && step <= 3 ? endpointRef(form.source, 'source', stored.source) : null), [step, form.source, stored.source]);
  const catalog = useCatalog(step === 2 ? catalogRef : null);
  const validateFilter = useValidateFilter(catalogRef);
  const disabledTables = reverse && forward && catalog.data ? forwardTablesOnDestination(forward.objects, catalog.data.tables) : undefined;

  const errorOf = (field: string): string | null => {
    if (clientErrors[field]) return clientErrors[field];
    const f = serverError?.field;
    return f && (f === field || f.startsWith(`${field}.`)) ? serverError.message : null;
  };
  const passwordPlaceholder = (side: Side) => (reverse && !saved ? 'copied from the forward direction' : stored[side] ? 'unchanged' : undefined);

  const testAndProceed = async () => {
    setServerError(null);
    const errs = reverse ? {} : requiredErrors(form, stored);
    setClientErrors(errs);
    if (Object.keys(errs).length) {
      document.getElementById(`${Object.keys(errs)[0].replace('.', '-').replace(/^name$/, 'task-name')}`)?.focus();
      return;
    }
    if (await connectivity.run(form, stored)) goStep(2);
  };
  const saveAndPrecheck = async () => {
    setServerError(null);
    const r = await saving.run(form, { saved, reverse, forward }, (s) => {
      setSaved(s);
      // the passwords are stored with the task now: an empty box keeps them
      setFormState((f) => ({ ...f, source: { ...f.source, password: '' }, destination: { ...f.destination, password: '' } }));
    });
    if (r.ok) goStep(4);
    else {
      setServerError(r.error);
      const s = stepOfField(r.error.field);
      if (s && s !== step) goStep(s);
    }
  };

  const heading = (
    <h2 id="wizard-step-heading" tabIndex={-1} className="text-base font-semibold text-gray-900 focus:outline-none">
      {step}. {STEPS[step - 1]}
    </h2>
  );
  // an error the server tied to a field shown on this step is shown at the field only
  const inline = !reverse && serverError?.field && INLINE_FIELD.test(serverError.field) && stepOfField(serverError.field) === step;
  const banner = inline ? null : <ErrorMessage error={serverError} />;

  return (
    <div className="space-y-4">
      <StepIndicator step={step} />
      {step === 1 && (
        <StepConnections
          form={form}
          onChange={setForm}
          connections={connections.data}
          passwordPlaceholder={{ source: passwordPlaceholder('source'), destination: passwordPlaceholder('destination') }}
          readOnly={reverse}
          errorOf={errorOf}
          results={connectivity.results}
          testing={connectivity.testing}
          onSubmit={() => void testAndProceed()}
          heading={heading}
          banner={
            <>
              {banner}
              <ErrorMessage error={connections.error} />
            </>
          }
        />
      )}
      {step === 2 && (
        <StepObjects
          form={form}
          onChange={setForm}
          catalog={{ data: catalog.data, isPending: catalog.isPending, error: catalog.error, refetch: () => void catalog.refetch() }}
          validateFilter={validateFilter}
          reverse={reverse}
          topologyLocked={saved !== null}
          disabledTables={disabledTables}
          errorOf={errorOf}
          onSubmit={() => goStep(3)}
          onPrevious={() => goStep(1)}
          heading={heading}
          banner={banner}
        />
      )}
      {step === 3 && (
        <StepAdvanced
          form={form}
          onChange={setForm}
          reverse={reverse}
          errorOf={errorOf}
          saving={saving.saving}
          preview={() => (reverse && forward && !saved ? reversePayload(form, forward) : previewPayload(form))}
          onSubmit={() => void saveAndPrecheck()}
          onPrevious={() => goStep(2)}
          heading={heading}
          banner={banner}
        />
      )}
      {step === 4 && saved && (
        <div className="space-y-3">
          {heading}
          <p className="text-xs text-gray-500">
            Task <span className="font-mono">{saved.id}</span>: the task can be started only after it passes the precheck. If an item fails, click View Details, fix the cause (for example go back
            with Previous and change the selected objects), then run the precheck again.
          </p>
          <PrecheckPanel taskId={saved.id} actions={<Button onClick={() => goStep(2)}>Previous</Button>} />
        </div>
      )}
    </div>
  );
}
