// Argument parsing for the CLI: positionals plus --flags (repeatable ones become lists).
import { readFileSync } from 'node:fs';
import { CliError } from './client';

export interface Args {
  positionals: string[];
  flags: Map<string, string[]>;
}

const BOOLEAN_FLAGS = new Set(['ignore-warnings', 'no-wait', 'help', 'compact', 'json', 'writes-stopped', 'end-forward', 'all']);

export function parseArgs(argv: string[]): Args {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else if (BOOLEAN_FLAGS.has(name)) value = 'true';
    else {
      if (i + 1 >= argv.length) throw new CliError(`--${name} needs a value`, 2);
      value = argv[++i];
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positionals, flags };
}

export function flag(args: Args, name: string): string | undefined {
  const v = args.flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

export function flags(args: Args, name: string): string[] {
  return args.flags.get(name) ?? [];
}

export function bool(args: Args, name: string): boolean {
  const v = flag(args, name);
  return v !== undefined && v !== 'false';
}

export function requireFlag(args: Args, name: string): string {
  const v = flag(args, name);
  if (v === undefined) throw new CliError(`--${name} is required`, 2);
  return v;
}

export function positional(args: Args, index: number, what: string): string {
  const v = args.positionals[index];
  if (v === undefined) throw new CliError(`missing ${what}`, 2);
  return v;
}

export function intFlag(args: Args, name: string): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number`, 2);
  return n;
}

/** Reads a JSON file ("-" for stdin). */
export function readJson(file: string): unknown {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, 2);
  }
}

/** "90", "90s", "15m", "2h", "1d" -> milliseconds */
export function durationMs(text: string): number {
  const m = text.match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/);
  if (!m) throw new CliError(`not a duration: ${text} (use e.g. 30s, 15m, 2h)`, 2);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
