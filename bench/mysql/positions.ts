// Binlog positions as numbers, for the latency computation of bench/lib/lag.ts. Pure.

/** "mysql-bin.000003:1234" as one growing number: the file's sequence number, then the offset */
export function posNumber(pos: string): bigint {
  const m = /\.(\d+):(\d+)$/.exec(pos.trim());
  if (!m) throw new Error(`not a binlog position (file.NNNNNN:offset): ${pos}`);
  return (BigInt(m[1]) << 40n) | BigInt(m[2]);
}

/** what `SHOW SLAVE STATUS` says the replica has executed, as a position "file:offset" (null before it starts) */
export function slaveExecuted(row: Record<string, unknown> | undefined): string | null {
  const file = row?.Relay_Master_Log_File;
  const pos = row?.Exec_Master_Log_Pos;
  if (typeof file !== 'string' || !file || pos === undefined || pos === null) return null;
  return `${file}:${String(pos)}`;
}
