// The Conflict Resolution Policy values and their explanations, in the seed's wording (pure).
export type ConflictPolicy = 'TaskFailed' | 'Ignore' | 'Overwrite';

export const POLICY_HELP: Record<ConflictPolicy, string> = {
  TaskFailed: 'If a conflict occurs, the task reports an error and exits; it enters a failed state and you must resolve the conflict manually.',
  Ignore: 'If a conflict occurs, the task ignores the current statement and continues; the conflicting records in the destination database are used.',
  Overwrite: 'If a conflict occurs, the conflicting records in the destination database are overwritten.',
};

export function isConflictPolicy(v: unknown): v is ConflictPolicy {
  return v === 'TaskFailed' || v === 'Ignore' || v === 'Overwrite';
}
