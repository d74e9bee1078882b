// Display wording of the task details page (no rules: names for values).
import type { TaskDetail } from '../data/tasks';

export const TOPOLOGY_LABEL: Record<TaskDetail['topology'], string> = {
  OneWay: 'One-way Synchronization',
  TwoWay: 'Two-way Synchronization',
  Reverse: 'Reverse Task',
};

export const CONFLICT_POLICY_LABEL: Record<TaskDetail['settings']['conflictPolicy'], string> = {
  TaskFailed: 'TaskFailed (Report an error and abort the task)',
  Ignore: 'Ignore (Use the existing record in the destination)',
  Overwrite: 'Overwrite (Overwrite the existing record in the destination)',
};

export const CONFLICTING_TABLES_LABEL: Record<TaskDetail['settings']['conflictingTables'], string> = {
  PrecheckAndReportErrors: 'Precheck and Report Errors',
  IgnoreErrorsAndProceed: 'Ignore Errors and Proceed',
};

export function syncTypesLabel(t: TaskDetail['syncTypes']): string {
  const names = [t.schema && 'Schema Synchronization', t.full && 'Full Data Synchronization', t.incremental && 'Incremental Data Synchronization'].filter(Boolean);
  return names.length ? names.join(', ') : '-';
}

export { endpointAddress } from '../ui/format';
