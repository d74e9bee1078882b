// The task paired with a task: its reverse task, or the forward task of a reverse task. The
// link is written both ways when the pair is made; either side may be read.
import type { Tx } from './task-lock';

export async function peerTaskId(client: Pick<Tx, 'task'>, id: string): Promise<{ topology: string; peerId: string | null } | null> {
  const t = await client.task.findUnique({ where: { id }, select: { topology: true, peerTaskId: true, peerOf: { select: { id: true } } } });
  if (!t) return null;
  return { topology: t.topology, peerId: t.peerTaskId ?? t.peerOf?.id ?? null };
}
