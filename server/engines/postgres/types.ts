// PostgreSQL value and position helpers. Values travel as PostgreSQL text: the text output of
// a type fed back to its input function gives the same value, so numeric precision,
// timestamptz, arrays, json, bytea (hex), enums and NULL versus '' all arrive unchanged.

/** "16/B374D848" to a bigint */
export function lsnToBig(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export function bigToLsn(v: bigint): string {
  return `${(v >> 32n).toString(16).toUpperCase()}/${(v & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's epoch */
export const PG_EPOCH_OFFSET_US = 946_684_800_000_000n;
