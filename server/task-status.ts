// Task statuses in the DTS console's wording, and what each allows. Shared by the services
// (which check what an operator may do) and the replicator (which writes the actual status).
export const TaskStatus = {
  NotStarted: 'Not Started',
  Prechecking: 'Prechecking',
  PrecheckFailed: 'Precheck Failed',
  InitialSync: 'Performing Initial Synchronization',
  Running: 'Running',
  Paused: 'Paused',
  Retrying: 'Retrying',
  Failed: 'Failed',
  Finished: 'Finished',
} as const;

export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

/** the LISTEN/NOTIFY channel on the metadata database the replicator listens on */
export const TASK_CHANNEL = 'dts_tasks';
