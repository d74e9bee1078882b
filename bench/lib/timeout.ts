// Bounds on every step: a step gets an AbortSignal that fires at its deadline, and the caller
// stops waiting for it then, whatever the step does.

export class TimeoutError extends Error {
  constructor(
    readonly label: string,
    readonly ms: number,
  ) {
    super(`${label}: timed out after ${Math.round(ms / 1000)} s`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `fn` with a signal that fires after `ms`. On the deadline the step is told to stop and
 * given up to `graceMs` to clean up (drop what it created) before the TimeoutError is thrown,
 * so a timed-out run neither hangs nor leaves work running into the next one.
 */
export async function withTimeout<T>(label: string, ms: number, fn: (signal: AbortSignal) => Promise<T>, graceMs = 150_000): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const work = fn(ac.signal);
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), ms);
  });
  try {
    const first = await Promise.race([work, deadline]);
    if (first !== 'deadline') return first as T;
    const e = new TimeoutError(label, ms);
    ac.abort(e);
    await Promise.race([settled, sleep(graceMs)]);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** polls `fn` every `everyMs` until it returns a truthy value; the signal ends the wait */
export async function pollUntil<T>(fn: () => Promise<T | null | undefined | false>, signal: AbortSignal, everyMs = 100): Promise<T> {
  for (;;) {
    signal.throwIfAborted();
    const v = await fn();
    if (v) return v;
    await sleep(everyMs, signal);
  }
}
