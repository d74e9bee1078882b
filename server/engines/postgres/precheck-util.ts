// Shared pieces of the PostgreSQL precheck items (precheck-source.ts, precheck-target.ts).
import type pg from 'pg';
import type { PrecheckInput, PrecheckItem, TableRef } from '../types';
import { qualify } from './connect';

export type Outcome = Omit<PrecheckItem, 'key' | 'name'>;

export interface CheckContext {
  input: PrecheckInput;
  source: pg.Client;
  target: pg.Client;
  sourceVersion: number;
  targetVersion: number;
  sourceUser: string;
  targetUser: string;
}

export interface Check {
  key: string;
  name: string;
  /** the sides the check talks to; it is skipped when one is unreachable */
  sides: ('source' | 'target')[];
  when(input: PrecheckInput): boolean;
  run(ctx: CheckContext): Promise<Outcome>;
}

export const pass = (cause?: string): Outcome => (cause ? { result: 'pass', cause } : { result: 'pass' });

/** schema and name arrays for unnest($1::text[], $2::text[]) */
export function refParams(refs: TableRef[]): [string[], string[]] {
  return [refs.map((r) => r.schema), refs.map((r) => r.name)];
}

/** "a, b, c and 12 more" */
export function listNames(names: string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** statements one per line, cut after `max` */
export function listStatements(stmts: string[], max = 10): string {
  const shown = stmts.slice(0, max).join('\n');
  return stmts.length > max ? `${shown}\n-- and ${stmts.length - max} more like these` : shown;
}

export const qualifiedList = (refs: TableRef[]) => listNames(refs.map(qualify));
