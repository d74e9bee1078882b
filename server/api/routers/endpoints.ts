// Endpoints: Test Connectivity, the object list of a database, WHERE filter checks, and the
// saved connections ("Select Existing Connection").
import { z } from 'zod';
import { endpointRef } from '../../services/endpoint-source';
import { catalogView, introspectEndpoint, introspectInput } from '../../services/introspect-endpoint';
import { connectivityView, testConnectivity } from '../../services/test-connectivity';
import { connectionInput, connectionView, listConnections, registerConnection, removeConnection } from '../../services/connections';
import { validateFilterInput, validateTableFilter } from '../../services/validate-filter';
import { rowId } from '../../services/validate';
import { protectedProcedure, router } from '../trpc';

export const endpointsRouter = router({
  // a mutation: it carries a password and has effects outside (a login on the database)
  testConnectivity: protectedProcedure
    .input(endpointRef)
    .output(connectivityView)
    .mutation(({ input }) => testConnectivity(input)),

  introspect: protectedProcedure
    .input(introspectInput)
    .output(catalogView)
    .mutation(({ input }) => introspectEndpoint(input.ref, input.schemas)),

  /** checks a table's WHERE filter against the source; a bad one is a BAD_REQUEST naming the fix */
  validateFilter: protectedProcedure
    .input(validateFilterInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ input }) => validateTableFilter(input)),

  connections: protectedProcedure.output(z.array(connectionView)).query(() => listConnections()),
  registerConnection: protectedProcedure.input(connectionInput).output(connectionView).mutation(({ input }) => registerConnection(input)),
  removeConnection: protectedProcedure
    .input(z.object({ id: rowId }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ input }) => removeConnection(input.id)),
});
