// Display helper for the charts: at most `max` points per series, each the average of its
// bucket (a 6-hour range has thousands of 5-second samples; a chart has a few hundred pixels).
export interface Point {
  t: number;
  v: number | null;
}

export function downsample(points: Point[], max: number): Point[] {
  if (points.length <= max) return points;
  const size = Math.ceil(points.length / max);
  const out: Point[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    const values = bucket.map((p) => p.v).filter((v): v is number => v !== null);
    out.push({ t: bucket[Math.floor(bucket.length / 2)].t, v: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null });
  }
  return out;
}

/** marks a gap (no sample for longer than `gapMs`) with a null point, so the line breaks there */
export function withGaps(points: Point[], gapMs: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < points.length; i++) {
    if (i > 0 && points[i].t - points[i - 1].t > gapMs) out.push({ t: points[i - 1].t + 1, v: null });
    out.push(points[i]);
  }
  return out;
}
