// Replication latency from positions, without a heartbeat. Pure.
//
// Every 200 ms the benchmark records (time, source pg_current_wal_lsn()): a *point*. Every
// 10 ms it records (time, what the follower has applied: its replication origin's progress on
// the target): an *observation*. All times come from the benchmark's own monotonic clock, so
// no two machines' clocks are compared. Everything committed on the source by a point's time
// lies at or before its LSN (a COMMIT returns after its record is flushed, and the write
// position is past the flush position), so once the follower's applied position reaches the
// point's LSN it has applied every transaction committed by then. A point's latency is
// (when the follower passed its LSN) - (the point's time). The crossing is taken halfway
// between the last observation below the LSN and the first at or past it (never before the
// point itself), so the figure is good to about half the observation interval.
//
// The same computation serves any monotone counter in place of an LSN, e.g. the highest
// marker id visible on the target against the marker ids committed on the source.

export interface Sample {
  /** ms, monotonic (performance.now()) */
  t: number;
  /** an LSN as a number, or any position that only grows */
  pos: bigint;
}

export interface LagResult {
  /** latency of each point the follower reached, in point order, ms */
  latenciesMs: number[];
  /** points never reached by the last observation */
  unreached: number;
}

/** '16/B374D848' as a number */
export function parseLsn(lsn: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn.trim());
  if (!m) throw new Error(`not an LSN: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

/**
 * The latency of each point: when the observations first reach its position, minus its time.
 * Points and observations may come in any order; observations are taken to be monotone (a
 * later observation below an earlier one's position is read as the earlier position).
 */
export function pointLatencies(points: readonly Sample[], observations: readonly Sample[]): LagResult {
  const pts = [...points].sort((a, b) => a.t - b.t);
  const obs = [...observations].sort((a, b) => a.t - b.t);
  // running maximum: the applied position never goes back
  let high = -1n;
  const mono = obs.map((o) => {
    if (o.pos > high) high = o.pos;
    return { t: o.t, pos: high };
  });
  const latenciesMs: number[] = [];
  let unreached = 0;
  for (const p of pts) {
    const j = firstAtOrPast(mono, p.pos);
    if (j === mono.length) {
      unreached++;
      continue;
    }
    const reached = mono[j].t;
    if (reached <= p.t) {
      latenciesMs.push(0);
      continue;
    }
    // the crossing lies between the last observation below (or the point, if later) and this one
    const from = Math.max(j > 0 ? mono[j - 1].t : p.t, p.t);
    latenciesMs.push((from + reached) / 2 - p.t);
  }
  return { latenciesMs, unreached };
}

/** index of the first sample whose position is at least `pos` (samples ascending by position), or length */
function firstAtOrPast(mono: readonly Sample[], pos: bigint): number {
  let lo = 0;
  let hi = mono.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (mono[mid].pos < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
