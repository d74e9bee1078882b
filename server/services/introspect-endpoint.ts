// Lists the schemas, tables and columns of an endpoint, for choosing the objects to sync.
import { z } from 'zod';
import { badRequest } from '../errors';
import { engineFor } from './engines';
import { describeEndpoint } from './endpoint-config';
import { endpointRef, nestedEndpointRef, resolveEndpointRef, type EndpointRef } from './endpoint-source';
import { parseInput } from './validate';

export const introspectInput = z.object({ ref: nestedEndpointRef, schemas: z.array(z.string().min(1).max(128)).max(10_000).optional() });

export const catalogView = z.object({
  engine: z.string(),
  serverVersion: z.string(),
  schemas: z.array(z.string()),
  tables: z.array(
    z.object({
      schema: z.string(),
      name: z.string(),
      rowEstimate: z.number(),
      bytesEstimate: z.number(),
      primaryKey: z.array(z.string()).nullable(),
      partitioned: z.boolean(),
      columns: z.array(z.object({ name: z.string(), nativeType: z.string(), nullable: z.boolean(), generated: z.boolean() })),
    }),
  ),
});
export type CatalogView = z.infer<typeof catalogView>;

export async function introspectEndpoint(ref: EndpointRef, schemas?: string[]): Promise<CatalogView> {
  const { side, config } = await resolveEndpointRef(parseInput(endpointRef, ref), 15_000);
  const engine = await engineFor(config.engine);
  let catalog;
  try {
    catalog = await engine.introspector.introspect(config, schemas?.length ? { schemas } : undefined);
  } catch (e) {
    throw badRequest(`${describeEndpoint(side, config)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    engine: catalog.engine,
    serverVersion: catalog.serverVersion,
    schemas: catalog.schemas,
    tables: catalog.tables.map((t) => ({
      schema: t.schema,
      name: t.name,
      rowEstimate: t.rowEstimate,
      bytesEstimate: t.bytesEstimate,
      primaryKey: t.primaryKey?.columns ?? null,
      partitioned: t.partitioned,
      columns: t.columns.map((c) => ({ name: c.name, nativeType: c.nativeType, nullable: c.nullable, generated: c.generatedExpr !== null })),
    })),
  };
}
