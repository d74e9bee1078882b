import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addRusage, descendants, parseStat, parseStatusKb, parseTimeOutput, treeCpuSeconds, treeTicks, type ProcStat } from './proc';

// a real line's shape: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
const line = (pid: number, comm: string, ppid: number, ut: number, st: number, cut: number, cst: number) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 1000 0 0 0 ${ut} ${st} ${cut} ${cst} 20 0 1 0 12345 100000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0`;

describe('parseStat', () => {
  it('reads ppid and the four CPU fields', () => {
    assert.deepEqual(parseStat(line(42, 'node', 1, 150, 30, 7, 2)), { pid: 42, ppid: 1, utime: 150, stime: 30, cutime: 7, cstime: 2 });
  });
  it('copes with spaces and parentheses in the command name', () => {
    const s = parseStat(line(7, 'postgres: walsender (x) 127.0.0.1', 3, 1, 2, 3, 4));
    assert.equal(s.ppid, 3);
    assert.equal(s.cstime, 4);
  });
  it('rejects what is not a stat line', () => {
    assert.throws(() => parseStat('garbage'), /not a \/proc/);
  });
});

describe('parseStatusKb', () => {
  const status = 'Name:\tnode\nVmPeak:\t  900000 kB\nVmHWM:\t   76328 kB\nVmRSS:\t   70000 kB\n';
  it('finds a key', () => {
    assert.equal(parseStatusKb(status, 'VmHWM'), 76328);
    assert.equal(parseStatusKb(status, 'VmRSS'), 70000);
  });
  it('gives null for an absent key (kernel threads have no VmHWM)', () => {
    assert.equal(parseStatusKb('Name:\tkthreadd\n', 'VmHWM'), null);
  });
});

describe('process trees', () => {
  const stats: ProcStat[] = [
    parseStat(line(1, 'init', 0, 1000, 1000, 0, 0)),
    parseStat(line(10, 'postmaster', 1, 5, 5, 100, 20)),
    parseStat(line(11, 'backend', 10, 50, 10, 0, 0)),
    parseStat(line(12, 'walsender', 10, 30, 0, 0, 0)),
    parseStat(line(13, 'worker', 12, 1, 1, 0, 0)),
    parseStat(line(20, 'other', 1, 999, 999, 0, 0)),
  ];
  it('lists a process and its descendants only', () => {
    assert.deepEqual(descendants(10, stats).sort((a, b) => a - b), [10, 11, 12, 13]);
  });
  it('adds own and reaped children time over the tree', () => {
    // 10: 5+5+100+20, 11: 60, 12: 30, 13: 2
    assert.equal(treeTicks(10, stats), 222);
  });
  it('reads this very process from /proc', () => {
    if (process.platform !== 'linux') return;
    const s = treeCpuSeconds(process.pid);
    assert.ok(s !== null && s >= 0);
    assert.equal(treeCpuSeconds(2 ** 22 + 12345), null);
  });
});

describe('GNU time output', () => {
  it('parses CPU and peak memory', () => {
    assert.deepEqual(parseTimeOutput('Command exited with non-zero status 1\nBENCH_RUSAGE 2.50 1.25 0.50 20480\n'), { cpuSeconds: 1.75, maxRssMb: 20 });
    assert.equal(parseTimeOutput(''), null);
  });
  it('adds CPU and keeps the larger peak', () => {
    assert.deepEqual(addRusage({ cpuSeconds: 1, maxRssMb: 10 }, { cpuSeconds: 2, maxRssMb: 5 }), { cpuSeconds: 3, maxRssMb: 10 });
    assert.deepEqual(addRusage(null, { cpuSeconds: 2, maxRssMb: 5 }), { cpuSeconds: 2, maxRssMb: 5 });
    assert.equal(addRusage(null, null), null);
  });
});
