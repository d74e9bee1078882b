// GET /api/metrics: Prometheus text exposition format (version 0.0.4), from each task's
// latest MetricSample, plus one status gauge per task labelled with its DTS status.
import { db } from '../db';
import { latestMetrics } from './list-tasks';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: string[];
}

export async function renderPrometheusMetrics(): Promise<string> {
  const tasks = await db().task.findMany({ select: { id: true, name: true, status: true, desiredState: true }, orderBy: { id: 'asc' } });
  const latest = await latestMetrics(tasks.map((t) => t.id));
  const fam = (name: string, help: string, type: Family['type']): Family => ({ name, help, type, samples: [] });
  const status = fam('dts_task_status', 'Task status: 1 for the status the task is in (DTS wording in the status label)', 'gauge');
  const desired = fam('dts_task_desired_running', '1 when the operator wants the task running', 'gauge');
  const latency = fam('dts_task_latency_seconds', 'Synchronization latency: target apply time minus source commit time', 'gauge');
  const rps = fam('dts_task_rows_per_second', 'Rows applied per second in the latest sample', 'gauge');
  const bps = fam('dts_task_bytes_per_second', 'Bytes applied per second in the latest sample', 'gauge');
  const rows = fam('dts_task_rows_applied_total', 'Rows applied to the destination since the task was created', 'counter');
  const bytes = fam('dts_task_bytes_applied_total', 'Bytes applied to the destination since the task was created', 'counter');
  const sampleAge = fam('dts_task_metric_sample_timestamp_seconds', 'Unix time of the latest metric sample', 'gauge');
  const conflicts = fam('dts_task_conflicts_total', 'Conflicts recorded (two-way synchronization and reverse tasks), by kind and action', 'counter');
  const counted = await db().conflict.groupBy({ by: ['taskId', 'kind', 'action'], _count: { _all: true } });
  const names = new Map(tasks.map((t) => [t.id, t.name]));
  for (const c of counted) {
    const l = `task_id="${label(c.taskId)}",task_name="${label(names.get(c.taskId) ?? '')}"`;
    conflicts.samples.push(`dts_task_conflicts_total{${l},kind="${label(c.kind)}",action="${label(c.action)}"} ${c._count._all}`);
  }
  for (const t of tasks) {
    const l = `task_id="${label(t.id)}",task_name="${label(t.name)}"`;
    status.samples.push(`dts_task_status{${l},status="${label(t.status)}"} 1`);
    desired.samples.push(`dts_task_desired_running{${l}} ${t.desiredState === 'Running' ? 1 : 0}`);
    const m = latest.get(t.id);
    if (!m) continue;
    if (m.latencyMs !== null) latency.samples.push(`dts_task_latency_seconds{${l}} ${m.latencyMs / 1000}`);
    rps.samples.push(`dts_task_rows_per_second{${l}} ${m.rps}`);
    bps.samples.push(`dts_task_bytes_per_second{${l}} ${m.bps}`);
    rows.samples.push(`dts_task_rows_applied_total{${l}} ${m.rowsApplied.toString()}`);
    bytes.samples.push(`dts_task_bytes_applied_total{${l}} ${m.bytesApplied.toString()}`);
    sampleAge.samples.push(`dts_task_metric_sample_timestamp_seconds{${l}} ${m.at.getTime() / 1000}`);
  }
  const out: string[] = [];
  for (const f of [status, desired, latency, rps, bps, rows, bytes, sampleAge, conflicts]) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.samples);
  }
  out.push(`# HELP dts_tasks Number of tasks`, `# TYPE dts_tasks gauge`, `dts_tasks ${tasks.length}`);
  return `${out.join('\n')}\n`;
}
