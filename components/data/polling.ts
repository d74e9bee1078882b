// Shared polling options for auto-refresh: every screen that refreshes itself uses these, so the
// console refreshes at one rhythm and stops polling in a hidden tab.
export const REFRESH_MS = {
  /** the task list, with Auto Refresh on */
  list: 5_000,
  /** a task's detail page, its charts and events */
  detail: 3_000,
  /** a precheck or a failover in progress */
  live: 1_000,
} as const;

export function polling(enabled: boolean, every: number = REFRESH_MS.list) {
  return { refetchInterval: enabled ? every : (false as const), refetchIntervalInBackground: false };
}
