// Medians and ratios over runs. Pure.

/** median of the finite numbers given; null when there are none */
export function median(xs: readonly (number | null | undefined)[]): number | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** a / b, or null when either is missing or b is not positive */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return a / b;
}

/** amount per second, or null */
export function perSecond(amount: number | null | undefined, seconds: number | null | undefined): number | null {
  return ratio(amount, seconds);
}

export type RunStatus = 'ok' | 'failed' | 'timeout';

export interface RunOutcome {
  status: RunStatus;
  error?: string;
}

export interface FigureStatus {
  status: RunStatus;
  okRuns: number;
  runs: number;
  error?: string;
}

/** the status of a figure: ok when at least one run is; otherwise the first failure's */
export function summaryStatus(runs: readonly RunOutcome[]): FigureStatus {
  const okRuns = runs.filter((r) => r.status === 'ok').length;
  if (okRuns > 0 || runs.length === 0) return { status: 'ok', okRuns, runs: runs.length };
  const first = runs.find((r) => r.status !== 'ok');
  return { status: first?.status ?? 'failed', okRuns, runs: runs.length, ...(first?.error ? { error: first.error } : {}) };
}

/**
 * The p-th percentile (0 < p <= 100) by nearest rank: the smallest value with at least p % of
 * the values at or below it, so always a value that was observed. Null when there are none.
 */
export function percentile(xs: readonly (number | null | undefined)[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is not in (0, 100]`);
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v[Math.max(0, Math.ceil((p / 100) * v.length) - 1)];
}
