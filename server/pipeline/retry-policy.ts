// The two retry windows of a DTS task: "Retry Time for Failed Connections" when a database
// cannot be reached, and the shorter window for other issues. Pure, so it is unit-tested.
export type RetryKind = 'connection' | 'other';

export interface RetryWindows {
  retryConnectionMinutes?: number;
  retryOtherMinutes?: number;
}

export interface RetryVerdict {
  /** past the window: the task is Failed */
  failed: boolean;
  windowMinutes: number;
  elapsedMinutes: number;
  /** the setting's name in the console's wording */
  settingName: string;
}

export function retryVerdict(kind: RetryKind, since: Date, now: Date, windows: RetryWindows): RetryVerdict {
  const windowMinutes = kind === 'connection' ? (windows.retryConnectionMinutes ?? 720) : (windows.retryOtherMinutes ?? 10);
  const elapsedMinutes = (now.getTime() - since.getTime()) / 60_000;
  return {
    failed: elapsedMinutes >= windowMinutes,
    windowMinutes,
    elapsedMinutes,
    settingName: kind === 'connection' ? 'Retry Time for Failed Connections' : 'The wait time before a retry when other issues occur',
  };
}

/** wait before the next attempt: 1 s, doubling, at most 30 s */
export function nextBackoff(previousMs: number | null): number {
  return previousMs === null ? 1_000 : Math.min(previousMs * 2, 30_000);
}
