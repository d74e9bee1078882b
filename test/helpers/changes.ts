// Building change batches by hand, for writer-level tests.
import type { TableMapping, Transaction } from '../../server/engines/types';

/** a table in schema public mapped to itself, every column, with these key columns */
export function mapping(name: string, cols: string[], key: string[]): TableMapping {
  const ref = { schema: 'public', name };
  return { source: ref, target: ref, columns: cols.map((c) => ({ source: c, target: c })), keyColumns: key, where: null, ops: ['insert', 'update', 'delete'] };
}

let lsn = 0x1000;
/** a source transaction at the next position */
export function txn(changes: Transaction['changes']): Transaction {
  lsn += 0x100;
  return { position: `0/${lsn.toString(16).toUpperCase()}`, commitTime: new Date(), changes, bytes: 100 };
}

export const ref = (name: string) => ({ schema: 'public', name });
