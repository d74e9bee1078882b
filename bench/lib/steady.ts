// The steady-state suite: a pgbench database followed by our task and a native subscription
// (the catch-up suite's setup). In each run, at each rate, each follower in turn is the only
// active one while `pgbench -n -N -c 4 -R <rate> -T <seconds>` writes, and its latency is
// sampled from positions (bench/lib/lag.ts). Both targets are checked against the source at
// the end.
import type { BenchOptions } from './args';
import { pgbenchFollowers, withFollowers, type FollowerName, type Followers } from './followers';
import { measureInterval } from './measure';
import type { IntervalResult, SteadyRun } from './results';
import type { SuiteEnv } from './servers';
import { TimeoutError, withTimeout } from './timeout';
import { SourceDigests } from './verify';

export const STEADY_CLIENTS = 4;

export interface SteadyInfo {
  scale: number;
  seconds: number;
  rates: number[];
  clients: number;
  setupSeconds: number;
  /** both targets against the source after the last run */
  verified: Record<string, string>;
}

export async function runSteady(o: BenchOptions, env: SuiteEnv<SteadyRun>): Promise<SteadyInfo> {
  const { log } = env;
  log(`steady: pgbench -i -s ${o.steadyScale} into st_src; our task and a native subscription follow it`);
  const f = pgbenchFollowers(env, 'steady', o.steadyScale, 'st');
  return withFollowers(f, 'steady', async (setupSeconds) => {
    log(`  both followers are synchronized (${setupSeconds.toFixed(0)} s)`);
    const info: SteadyInfo = { scale: o.steadyScale, seconds: o.steadySeconds, rates: o.steadyRates, clients: STEADY_CLIENTS, setupSeconds, verified: {} };
    for (let run = 1; run <= o.runs; run++) {
      const order: FollowerName[] = run % 2 === 1 ? ['dts', 'native'] : ['native', 'dts'];
      const r: SteadyRun = { run, status: 'ok', order, results: [] };
      for (const rate of o.steadyRates) {
        for (const peer of order) {
          const res = await oneInterval(o, env, f, peer, rate, run);
          r.results.push(res);
          const l = res.figures?.latency;
          log(
            `  run ${run} -R ${rate} ${peer.padEnd(6)} ` +
              (res.status === 'ok' && res.figures && l
                ? `${Math.round(res.figures.rowsPerSecond)} changes/s, latency p50 ${l.p50Ms?.toFixed(0)} ms p99 ${l.p99Ms?.toFixed(0)} ms (${l.points} points${l.unreached ? `, ${l.unreached} never applied` : ''})`
                : `${res.status.toUpperCase()}: ${res.error}`),
          );
        }
      }
      if (r.results.every((x) => x.status !== 'ok')) Object.assign(r, { status: r.results[0]?.status ?? 'failed', error: r.results[0]?.error });
      env.record(r);
    }
    info.verified = await withTimeout('steady: checking the targets', o.timeoutSeconds * 1000, (signal) => f.verify(new SourceDigests(env.source), signal)).catch((e: Error) => ({
      error: e.message,
    }));
    log(`  checked: ${Object.entries(info.verified).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    return info;
  });
}

async function oneInterval(o: BenchOptions, env: SuiteEnv<SteadyRun>, f: Followers, peer: FollowerName, rate: number, run: number): Promise<IntervalResult> {
  try {
    const figures = await withTimeout(`steady run ${run} -R ${rate} ${peer}`, o.timeoutSeconds * 1000, async (signal) => {
      await f.only(peer, signal);
      return measureInterval({
        followers: f,
        peer,
        replicator: env.replicator,
        pgbenchArgs: ['-n', '-N', '-c', String(STEADY_CLIENTS), '-j', '2'],
        rateTps: rate,
        seconds: o.steadySeconds,
        signal,
      });
    });
    return { peer, rateTps: rate, status: 'ok', figures };
  } catch (e) {
    return { peer, rateTps: rate, status: e instanceof TimeoutError ? 'timeout' : 'failed', error: (e as Error).message, figures: null };
  }
}
