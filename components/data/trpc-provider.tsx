'use client';
// tRPC + react-query for the browser. The session cookie travels by itself; mutations also send
// the session's CSRF token, which the console learns from auth.login and auth.me.
import { useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import superjson from 'superjson';
import type { AppRouter } from '../../server/api/root';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function TrpcProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } }));
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // the server takes at most 10 calls in one batch request
      links: [httpBatchLink({ url: '/api/trpc', transformer: superjson, maxItems: 10, headers: () => (csrfToken ? { 'x-csrf-token': csrfToken } : {}) })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
