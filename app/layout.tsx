import type { ReactNode } from 'react';
import { connection } from 'next/server';
import { TrpcProvider } from '../components/data/trpc-provider';
import './globals.css';

export const metadata = { title: 'Data Transmission Service', description: 'Data synchronization tasks' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // every page renders per request: the Content-Security-Policy our server puts on each request
  // carries a fresh nonce, and Next writes it on its scripts (a page built ahead would have none)
  await connection();
  return (
    <html lang="en">
      <body className="bg-gray-50 text-gray-900 antialiased">
        <TrpcProvider>{children}</TrpcProvider>
      </body>
    </html>
  );
}
