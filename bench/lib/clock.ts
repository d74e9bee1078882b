// The timed part of one run: wall-clock seconds and the CPU seconds the source and target
// servers spent meanwhile (each server's process tree: backends, walsenders, workers).
import { performance } from 'node:perf_hooks';
import { postmasterPid, treeCpuSeconds } from './proc';

export class RunClock {
  private t0: number | null = null;
  private t1: number | null = null;
  private cpu0: number | null = null;
  private cpu1: number | null = null;

  /**
   * `servers`: PostgreSQL data directories (each postmaster's tree is measured), or a function
   * giving the servers' process ids (null for one not found)
   */
  constructor(private servers: string[] | (() => (number | null)[])) {}

  private serverCpu(): number | null {
    const pids = typeof this.servers === 'function' ? this.servers() : this.servers.map((d) => postmasterPid(d));
    let sum = 0;
    for (const pid of pids) {
      const s = pid === null ? null : treeCpuSeconds(pid);
      if (s === null) return null;
      sum += s;
    }
    return sum;
  }

  start(): void {
    this.cpu0 = this.serverCpu();
    this.t0 = performance.now();
  }

  stop(): void {
    if (this.t0 === null) throw new Error('the clock was never started');
    this.t1 = performance.now();
    this.cpu1 = this.serverCpu();
  }

  /** seconds since start (a lap, while running) */
  elapsed(): number {
    if (this.t0 === null) throw new Error('the clock was never started');
    return ((this.t1 ?? performance.now()) - this.t0) / 1000;
  }

  get started(): boolean {
    return this.t0 !== null;
  }

  get stopped(): boolean {
    return this.t1 !== null;
  }

  get serverCpuSeconds(): number | null {
    return this.cpu0 === null || this.cpu1 === null ? null : this.cpu1 - this.cpu0;
  }
}
