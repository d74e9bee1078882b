'use client';
export function ProgressBar({ value, label, tone = 'orange' }: { value: number; label?: string; tone?: 'orange' | 'green' | 'red' }) {
  const color = tone === 'green' ? 'bg-green-600' : tone === 'red' ? 'bg-red-600' : 'bg-[#ff6a00]';
  const v = Math.max(0, Math.min(100, value));
  return (
    <div className="flex items-center gap-2" role="progressbar" aria-valuenow={v} aria-valuemin={0} aria-valuemax={100} aria-label={label}>
      <div className="h-1.5 min-w-16 flex-1 overflow-hidden rounded-full bg-gray-200">
        <div className={`h-full ${color} transition-[width]`} style={{ width: `${v}%` }} />
      </div>
      <span className="w-10 text-right text-xs text-gray-600 tabular-nums">{v}%</span>
    </div>
  );
}
