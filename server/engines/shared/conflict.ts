// A conflict under the TaskFailed policy stops the task: the error names the table and the key.
// Engine-neutral, so the supervisor can tell it from errors worth retrying.
import type { ConflictKind, ConflictRecord, Row, TableMapping, TableRef } from '../types';
import { NonRetryableError } from './errors';

const WHAT: Record<ConflictKind, string> = {
  unique_conflict: 'hits a primary or unique key that already exists on the destination',
  update_differs: 'finds the destination row changed since the source read it (updated on both sides)',
  update_missing: 'finds no row on the destination',
  delete_missing: 'finds no row on the destination',
};

/** "public.orders (id)=(5)" */
export function describeConflict(table: TableRef, key: Row | Record<string, unknown>, m?: TableMapping): string {
  const names = Object.keys(key);
  const shown = names.length ? names : (m?.keyColumns ?? []);
  const values = shown.map((k) => {
    const v = key[k];
    return v === null || v === undefined ? 'NULL' : String(v);
  });
  return `${table.schema}.${table.name} (${shown.join(', ')})=(${values.join(', ')})`;
}

export class ConflictFailure extends NonRetryableError {
  readonly record: ConflictRecord;

  constructor(record: ConflictRecord, m?: TableMapping) {
    super(
      `Conflict: the ${record.op.toUpperCase()} of ${describeConflict(record.table, record.key, m)} ${WHAT[record.kind]}. ` +
        'The Conflict Resolution Policy is TaskFailed: resolve the conflict on the destination (or change the policy), then start the task again.',
    );
    this.name = 'ConflictFailure';
    this.record = record;
  }
}
