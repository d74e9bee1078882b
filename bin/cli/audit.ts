// `dts audit list`: the audit log (administrators), newest first, as JSON: { items, nextCursor };
// pass nextCursor as --cursor for the page after.
import { flag, intFlag, type Args } from './args';
import { CliError, type Client } from './client';

export async function auditCommand(client: Client, cmd: string, args: Args): Promise<unknown> {
  switch (cmd) {
    case 'list': {
      const cursor = flag(args, 'cursor');
      if (cursor !== undefined && !/^\d+$/.test(cursor)) throw new CliError(`--cursor takes the nextCursor of the previous page (a number); got ${JSON.stringify(cursor)}`, 2);
      return client.audit.list.query({
        username: flag(args, 'user'),
        taskId: flag(args, 'task'),
        action: flag(args, 'action'),
        limit: intFlag(args, 'limit'),
        cursor,
      });
    }
    default:
      throw new CliError(`unknown command: audit ${cmd}`, 2);
  }
}
