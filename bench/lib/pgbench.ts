// What pgbench printed. Pure.

export interface PgbenchFigures {
  transactions: number | null;
  tps: number | null;
  latencyAvgMs: number | null;
  /** with -R: how far behind its schedule pgbench fell on average (ms); a growing lag means it could not keep the rate */
  scheduleLagAvgMs: number | null;
  /** with several -f scripts: transactions of each, in script order */
  perScript: number[];
}

function num(re: RegExp, text: string): number | null {
  const m = re.exec(text);
  const n = m ? Number(m[1]) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

export function parsePgbench(stdout: string): PgbenchFigures {
  const perScript: number[] = [];
  for (const m of stdout.matchAll(/^SQL script \d+:.*\n(?:^ - weight:.*\n)?^ - (\d+) transactions/gm)) perScript.push(Number(m[1]));
  return {
    transactions: num(/number of transactions actually processed: (\d+)/, stdout),
    tps: num(/^tps = ([\d.]+)/m, stdout),
    latencyAvgMs: num(/^latency average = ([\d.]+) ms/m, stdout),
    scheduleLagAvgMs: num(/^rate limit schedule lag: avg ([\d.]+)/m, stdout),
    perScript,
  };
}
