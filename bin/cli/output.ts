// Output that is not JSON: commands return a TextOutput to have main print its text as it is.
export class TextOutput {
  constructor(readonly text: string) {}
}

/** Columns padded to their widest cell, a header line first. */
export function textTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `${l}\n`).join('');
}
