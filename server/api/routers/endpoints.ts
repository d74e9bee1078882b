// Endpoints: Test Connectivity and the object list of a database.
import { endpointRef } from '../../services/endpoint-source';
import { catalogView, introspectEndpoint, introspectInput } from '../../services/introspect-endpoint';
import { connectivityView, testConnectivity } from '../../services/test-connectivity';
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
});
