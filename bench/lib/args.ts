// Command-line flags of `npm run bench`. Pure: parsing and defaults only.

export const SUITES = ['fullload', 'catchup', 'steady', 'model', 'bigtxn'] as const;
export type Suite = (typeof SUITES)[number];

export const PEERS = ['raw', 'dump-restore', 'pgcopydb', 'subscription', 'dts'] as const;
export type PeerName = (typeof PEERS)[number];

export const WORKLOADS = ['pgbench', 'wide', 'mixed'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export const ENGINES = ['postgres', 'mysql'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface BenchOptions {
  /** the engine measured: PostgreSQL 15 (bench/lib) or MariaDB 10.11 (bench/mysql) */
  engine: EngineName;
  /** runs per figure; each figure is the median */
  runs: number;
  quick: boolean;
  only: Suite[];
  peers: PeerName[];
  workloads: WorkloadName[];
  /** full load: `pgbench -i -s` scale */
  pgbenchScale: number;
  /** full load: rows of the wide table (~1 KB text + jsonb each) */
  wideRows: number;
  /** full load: rows of the 15-column mixed-type table */
  mixedRows: number;
  /** catch-up: pgbench scale of the database the tasks follow */
  catchupScale: number;
  /** catch-up: `pgbench -T` seconds while both followers are paused */
  catchupSeconds: number;
  /** catch-up: pgbench clients (-c) */
  catchupClients: number;
  /** steady: pgbench scale of the database the followers follow */
  steadyScale: number;
  /** steady: `pgbench -T` seconds at each rate */
  steadySeconds: number;
  /** steady: the `pgbench -R` rates (transactions/s), one measurement each */
  steadyRates: number[];
  /** model: rows preloaded into each of the 20 tables */
  modelRows: number;
  /** model: seconds at each rate step */
  modelSeconds: number;
  /** model: the rate steps in row changes/s (pgbench -R is half: 2 DML per transaction) */
  modelRps: number[];
  /** model: pgbench clients (-c) */
  modelClients: number;
  /** bigtxn: rows of the table one UPDATE changes in a single transaction */
  bigtxnRows: number;
  /** limit of one run (one peer on one workload, or one catch-up round), seconds */
  timeoutSeconds: number;
  /** write bench/results/<date>.json */
  writeResults: boolean;
  help: boolean;
}

/** the DTS specification's rate steps (row changes/s) the model suite climbs */
export const MODEL_RPS = [2000, 5000, 8000, 11000, 14000, 17000];

const FULL: Omit<BenchOptions, 'engine' | 'quick' | 'only' | 'peers' | 'workloads' | 'writeResults' | 'help'> = {
  runs: 3,
  pgbenchScale: 50,
  wideRows: 500_000,
  mixedRows: 2_000_000,
  catchupScale: 50,
  catchupSeconds: 60,
  catchupClients: 4,
  steadyScale: 50,
  steadySeconds: 60,
  steadyRates: [500, 2000],
  modelRows: 10_000,
  modelSeconds: 30,
  modelRps: MODEL_RPS,
  modelClients: 16,
  bigtxnRows: 2_000_000,
  timeoutSeconds: 900,
};

const QUICK: typeof FULL = {
  runs: 1,
  pgbenchScale: 2,
  wideRows: 20_000,
  mixedRows: 50_000,
  catchupScale: 2,
  catchupSeconds: 10,
  catchupClients: 4,
  steadyScale: 2,
  steadySeconds: 10,
  steadyRates: [500, 2000],
  modelRows: 2_000,
  modelSeconds: 5,
  modelRps: MODEL_RPS,
  modelClients: 16,
  bigtxnRows: 200_000,
  timeoutSeconds: 180,
};

export const USAGE = `usage: npm run bench -- [flags]
  --engine E              ${ENGINES.join(' or ')} (default postgres); mysql runs the suites fullload,catchup,model
                          on MariaDB (see bench/README.md, "MySQL")
  --quick                 small scales, 1 run (smoke test)
  --runs N                runs per figure, the median is reported (default 3)
  --only LIST             suites: ${SUITES.join(',')} (default all)
  --peers LIST            full-load peers: ${PEERS.join(',')} (default all; raw is always run)
  --workloads LIST        full-load workloads: ${WORKLOADS.join(',')} (default all)
  --scale N               full load: pgbench -i -s N (default 50)
  --wide-rows N           full load: rows of the wide table (default 500000)
  --mixed-rows N          full load: rows of the mixed-type table (default 2000000)
  --catchup-scale N       catch-up: pgbench scale (default 50)
  --catchup-seconds N     catch-up: pgbench -T while paused (default 60)
  --catchup-clients N     catch-up: pgbench -c (default 4)
  --steady-scale N        steady: pgbench scale (default 50; --quick 2)
  --steady-seconds N      steady: pgbench -T at each rate (default 60; --quick 10)
  --steady-rates LIST     steady: pgbench -R rates in transactions/s (default 500,2000)
  --model-rows N          model: rows preloaded per table, 20 tables of ~1 KB rows (default 10000; --quick 2000)
  --model-seconds N       model: seconds at each rate step (default 30; --quick 5)
  --model-rps LIST        model: rate steps in row changes/s (default ${MODEL_RPS.join(',')})
  --model-clients N       model: pgbench -c (default 16)
  --bigtxn-rows N         bigtxn: rows updated by the one big transaction (default 2000000; --quick 200000)
  --timeout S             limit of one run in seconds (default 900; --quick 180): a full-load copy, a catch-up round,
                          a steady interval (one rate, one follower), a model step, a bigtxn run; past it, reported as timed out
  --no-results            do not write bench/results/<date>.json
  --help`;

function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, got ${v ?? 'nothing'}`);
  return n;
}

function list<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T[] {
  if (!v) throw new Error(`${flag} needs a comma-separated list of ${allowed.join(', ')}`);
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
  if (bad.length || items.length === 0) throw new Error(`${flag}: unknown ${bad.join(', ') || '(empty)'}; choose from ${allowed.join(', ')}`);
  return [...new Set(items)] as T[];
}

type NumericOption = { [K in keyof BenchOptions]: BenchOptions[K] extends number ? K : never }[keyof BenchOptions];

const NUMERIC_FLAGS: Record<string, NumericOption | undefined> = {
  '--runs': 'runs',
  '--scale': 'pgbenchScale',
  '--wide-rows': 'wideRows',
  '--mixed-rows': 'mixedRows',
  '--catchup-scale': 'catchupScale',
  '--catchup-seconds': 'catchupSeconds',
  '--catchup-clients': 'catchupClients',
  '--steady-scale': 'steadyScale',
  '--steady-seconds': 'steadySeconds',
  '--model-rows': 'modelRows',
  '--model-seconds': 'modelSeconds',
  '--model-clients': 'modelClients',
  '--bigtxn-rows': 'bigtxnRows',
  '--timeout': 'timeoutSeconds',
};

/** a comma-separated list of positive whole numbers, ascending, without repeats */
function numbers(flag: string, v: string | undefined): number[] {
  if (!v) throw new Error(`${flag} needs a comma-separated list of positive whole numbers`);
  const xs = v.split(',').map((s) => s.trim()).filter(Boolean).map((s) => positiveInt(flag, s));
  if (xs.length === 0) throw new Error(`${flag} needs a comma-separated list of positive whole numbers`);
  return [...new Set(xs)].sort((a, b) => a - b);
}

export function parseArgs(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const o: BenchOptions = {
    ...(quick ? QUICK : FULL),
    engine: 'postgres',
    quick,
    only: [...SUITES],
    peers: [...PEERS],
    workloads: [...WORKLOADS],
    writeResults: true,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--quick':
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      case '--no-results':
        o.writeResults = false;
        break;
      case '--engine': {
        const e = list(flag, value(), ENGINES);
        if (e.length !== 1) throw new Error(`--engine takes one engine: ${ENGINES.join(' or ')}`);
        o.engine = e[0];
        break;
      }
      case '--only':
        o.only = list(flag, value(), SUITES);
        break;
      case '--peers':
        o.peers = list(flag, value(), PEERS);
        break;
      case '--workloads':
        o.workloads = list(flag, value(), WORKLOADS);
        break;
      case '--steady-rates':
        o.steadyRates = numbers(flag, value());
        break;
      case '--model-rps':
        o.modelRps = numbers(flag, value());
        break;
      default: {
        const key = NUMERIC_FLAGS[flag];
        if (!key) throw new Error(`unknown flag ${flag}\n${USAGE}`);
        o[key] = positiveInt(flag, value());
      }
    }
  }
  // every ratio is to the raw COPY pipe of the same run
  if (!o.peers.includes('raw')) o.peers.unshift('raw');
  o.peers = PEERS.filter((p) => o.peers.includes(p));
  return o;
}
