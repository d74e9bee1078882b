// The model suite's rate stepping and DTS's published specification classes. Pure.

/** DTS instance classes by the row changes per second (RPS) of its performance test model */
export const DTS_CLASSES: readonly { name: string; rps: number }[] = [
  { name: 'micro', rps: 200 },
  { name: 'small', rps: 2000 },
  { name: 'medium', rps: 5000 },
  { name: 'large', rps: 11000 },
  { name: 'xlarge', rps: 17000 },
];

/** a step holds when the p99 latency stays under this */
export const P99_LIMIT_MS = 1000;
/** ...and the source achieves at least this share of the step's rate (pgbench's -R is a Poisson schedule) */
export const REACH_FRACTION = 0.95;

/** the highest class whose rate is at most `rps`; null below micro */
export function dtsClass(rps: number | null): string | null {
  if (rps === null) return null;
  let name: string | null = null;
  for (const c of DTS_CLASSES) if (rps >= c.rps) name = c.name;
  return name;
}

export interface StepFigures {
  /** the step's rate, row changes/s */
  targetRps: number;
  /** row changes/s the source achieved (n_tup_* deltas / seconds); null when unknown */
  achievedRps: number | null;
  p99Ms: number | null;
  /** latency points the follower never reached before giving up */
  unreached: number;
}

export interface StepVerdict {
  /** latency held: p99 under the limit, every point reached */
  latencyOk: boolean;
  /** the source achieved the rate */
  rateReached: boolean;
  /** go on to the next step */
  pass: boolean;
  /** the row changes/s this step shows we sustain (null when latency failed) */
  creditRps: number | null;
  /** why it stopped, for the report */
  reasons: string[];
}

export function judgeStep(s: StepFigures): StepVerdict {
  const reasons: string[] = [];
  const latencyOk = s.p99Ms !== null && s.p99Ms < P99_LIMIT_MS && s.unreached === 0;
  if (s.p99Ms === null) reasons.push('no latency samples');
  else if (s.p99Ms >= P99_LIMIT_MS) reasons.push(`p99 ${Math.round(s.p99Ms)} ms >= ${P99_LIMIT_MS} ms`);
  if (s.unreached > 0) reasons.push(`${s.unreached} latency point(s) never applied`);
  const rateReached = s.achievedRps !== null && s.achievedRps >= REACH_FRACTION * s.targetRps;
  if (!rateReached) reasons.push(`source reached ${s.achievedRps === null ? '?' : Math.round(s.achievedRps)} of ${s.targetRps} RPS`);
  // a step within the tolerance counts for its full rate; one the source could not drive counts for what it did
  const creditRps = !latencyOk ? null : rateReached ? s.targetRps : s.achievedRps;
  return { latencyOk, rateReached, pass: latencyOk && rateReached, creditRps, reasons };
}

/** the highest rate sustained over steps taken in order, up to and including the first that did not pass */
export function sustainedRps(verdicts: readonly StepVerdict[]): number | null {
  let best: number | null = null;
  for (const v of verdicts) {
    if (v.creditRps !== null && (best === null || v.creditRps > best)) best = v.creditRps;
    if (!v.pass) break;
  }
  return best;
}
