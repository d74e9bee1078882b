'use client';
// The wizard's step indicator, as the DTS console shows it at the top of Configure Task.
export const STEPS = ['Configure Source and Destination Databases', 'Configure Objects', 'Advanced Settings', 'Precheck'] as const;
export type Step = 1 | 2 | 3 | 4;

export function StepIndicator({ step }: { step: Step }) {
  return (
    <ol className="flex items-center gap-2 rounded-sm border border-gray-200 bg-white px-4 py-3" aria-label="Steps" data-testid="wizard-steps">
      {STEPS.map((label, i) => {
        const n = (i + 1) as Step;
        const state = n < step ? 'done' : n === step ? 'current' : 'todo';
        return (
          <li key={label} className="flex items-center gap-2 [&:not(:last-child)]:flex-1" aria-current={state === 'current' ? 'step' : undefined} data-state={state}>
            <span
              className={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full border text-xs font-semibold ${
                state === 'current' ? 'border-[#ff6a00] bg-[#ff6a00] text-white' : state === 'done' ? 'border-[#ff6a00] text-[#ff6a00]' : 'border-gray-300 text-gray-400'
              }`}
            >
              {state === 'done' ? '✓' : n}
            </span>
            <span className={`text-sm whitespace-nowrap ${state === 'current' ? 'font-semibold text-gray-900' : state === 'done' ? 'text-gray-700' : 'text-gray-400'}`}>{label}</span>
            {n < 4 && <span aria-hidden className={`h-px min-w-4 flex-1 ${n < step ? 'bg-[#ff6a00]' : 'bg-gray-200'}`} />}
          </li>
        );
      })}
    </ol>
  );
}
