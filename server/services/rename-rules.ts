// Batch Edit rules are checked where a task definition or a change enters (create, configure, the
// reverse direction of a two-way pair): a pattern RE2 cannot run, one too long or too complex,
// or a Replace that names a group the pattern does not have is a BAD_REQUEST naming the field,
// e.g. objects.renameRules.0.match. The rules themselves are in server/domain/naming.ts, which
// the console's Batch Edit dialog uses too. The schema (task-config.ts) only caps the lengths,
// so tasks stored before this check still load; their precheck and run fail on such a rule.
import { badRequest } from '../errors';
import { checkRenameRules, type RenameRuleInput } from '../domain/naming';

export function assertRenameRules(objects: { renameRules?: readonly RenameRuleInput[] } | undefined, prefix = 'objects'): void {
  const error = objects?.renameRules ? checkRenameRules(objects.renameRules) : null;
  if (error) throw badRequest(error.message, `${prefix}.${error.field}`);
}
