'use client';
// What the wizard's primary buttons do: Test Connectivity and Proceed (both sides), and Next:
// Save Task Settings and Precheck (create, configure or configure the reverse direction, then
// start the precheck). The payloads come from payload.ts; the server decides and explains.
import { useState } from 'react';
import { toServerError, useSaveTask, useStartPrecheck, useTestConnectivity, type ServerError } from '../data/wizard';
import type { TaskDetail } from '../data/tasks';
import type { SideResult } from './endpoint-fieldset';
import type { Side, WizardForm } from './form';
import { configurePayload, createPayload, endpointRef, reversePayload, type StoredRef } from './payload';

export type StoredRefs = Record<Side, StoredRef | null>;

export interface SavedTask {
  id: string;
  task: TaskDetail;
}

export function useConnectivity() {
  const test = useTestConnectivity();
  const [results, setResults] = useState<Record<Side, SideResult>>({ source: null, destination: null });
  const [testing, setTesting] = useState(false);
  /** tests both sides at once; true when both passed */
  const run = async (form: WizardForm, stored: StoredRefs): Promise<boolean> => {
    setTesting(true);
    setResults({ source: null, destination: null });
    const one = (side: Side): Promise<SideResult> =>
      test
        .mutateAsync(endpointRef(form[side], side, stored[side]))
        .then((r) => ({ ok: r.ok, message: r.message, serverVersion: r.serverVersion }))
        .catch((e: unknown) => ({ ok: false, message: toServerError(e).message, serverVersion: null }));
    const [source, destination] = await Promise.all([one('source'), one('destination')]);
    setResults({ source, destination });
    setTesting(false);
    return Boolean(source?.ok && destination?.ok);
  };
  return { results, testing, run };
}

export function useSaveAndPrecheck() {
  const save = useSaveTask();
  const precheck = useStartPrecheck();
  const [saving, setSaving] = useState(false);
  /**
   * Saves the task and starts its precheck. `onSaved` runs as soon as the task exists (even if
   * the precheck then fails to start), so that a second attempt configures it instead.
   */
  const run = async (
    form: WizardForm,
    ctx: { saved: SavedTask | null; reverse: boolean; forward: TaskDetail | null },
    onSaved: (s: SavedTask) => void,
  ): Promise<{ ok: true; id: string } | { ok: false; error: ServerError }> => {
    setSaving(true);
    try {
      let saved = ctx.saved;
      if (!saved && ctx.reverse && ctx.forward) {
        const t = await save.configureReverse.mutateAsync(reversePayload(form, ctx.forward));
        saved = { id: t.id, task: t };
      } else if (!saved) {
        const t = await save.create.mutateAsync(createPayload(form));
        saved = { id: t.id, task: t };
      } else {
        const { input, changed } = configurePayload(form, saved.task, { reverse: ctx.reverse });
        if (changed) saved = { id: saved.id, task: await save.configure.mutateAsync(input) };
      }
      onSaved(saved);
      await precheck.mutateAsync({ id: saved.id });
      return { ok: true, id: saved.id };
    } catch (e) {
      return { ok: false, error: toServerError(e) };
    } finally {
      setSaving(false);
    }
  };
  return { saving, run };
}
