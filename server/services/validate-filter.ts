// Checks a table's WHERE filter against the source before the wizard goes on ("Use SQL
// conditions to filter data"): the engine reads the condition with its tokenizer and plans it
// against the table in a read-only transaction. Bad conditions come back as a BAD_REQUEST that
// names the table and the fix.
import { z } from 'zod';
import { AppError, badRequest } from '../errors';
import { describeEndpoint } from './endpoint-config';
import { endpointRef, nestedEndpointRef, resolveEndpointRef } from './endpoint-source';
import { engineFor } from './engines';
import { parseInput } from './validate';

export const validateFilterInput = z.object({
  ref: nestedEndpointRef,
  table: z.object({ schema: z.string().min(1).max(128), name: z.string().min(1).max(128) }),
  where: z.string().min(1).max(4000),
});
export type ValidateFilterInput = z.input<typeof validateFilterInput>;

export async function validateTableFilter(input: ValidateFilterInput): Promise<{ ok: true }> {
  const v = parseInput(validateFilterInput, input);
  const { side, config } = await resolveEndpointRef(parseInput(endpointRef, v.ref), 10_000);
  const engine = await engineFor(config.engine);
  try {
    await engine.introspector.validateFilter(config, v.table, v.where);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw badRequest(`${describeEndpoint(side, config)}: ${e instanceof Error ? e.message : String(e)}`, 'objects.where');
  }
  return { ok: true };
}
