// Shared pieces of the PostgreSQL precheck items (precheck-source.ts, precheck-target.ts). The
// engine-neutral helpers are in ../shared/precheck-util.ts.
import type pg from 'pg';
import type { TableRef } from '../types';
import { listNames, type Check as SharedCheck, type PrecheckContext } from '../shared/precheck-util';
import { qualify } from './connect';

export type CheckContext = PrecheckContext<pg.Client, number>;

export type Check = SharedCheck<CheckContext>;

/** schema and name arrays for unnest($1::text[], $2::text[]) */
export function refParams(refs: TableRef[]): [string[], string[]] {
  return [refs.map((r) => r.schema), refs.map((r) => r.name)];
}

export const qualifiedList = (refs: TableRef[]) => listNames(refs.map(qualify));
