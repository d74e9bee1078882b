// What a precheck run's state means for the operator (pure): a run that passed with warnings
// not ignored yet is not "Passed", since Start Task stays disabled until the rate is 100 %.
export type Verdict = { text: string; tone: 'green' | 'orange' | 'red' | 'blue' };

export function precheckVerdict(p: { state: string; successRate: number; warnings: number; ignored: number }): Verdict {
  if (p.state === 'running') return { text: 'In progress', tone: 'blue' };
  if (p.state === 'failed') return { text: 'Failed', tone: 'red' };
  if (p.state === 'outdated') return { text: 'Outdated: the task settings changed after this precheck; run it again', tone: 'orange' };
  if (p.state === 'passed' && p.successRate < 100) {
    const open = p.warnings - p.ignored;
    return { text: `Warnings to confirm: ${open} warning${open === 1 ? '' : 's'} must be ignored (Confirm Alert Details) before the task can start`, tone: 'orange' };
  }
  if (p.state === 'passed') return { text: 'Passed', tone: 'green' };
  return { text: p.state, tone: 'blue' };
}
