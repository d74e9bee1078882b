import type { ReactNode } from 'react';
import { TrpcProvider } from '../components/data/trpc-provider';
import './globals.css';

export const metadata = { title: 'Data Transmission Service', description: 'Data synchronization tasks' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="bg-gray-50 text-gray-900 antialiased">
        <TrpcProvider>{children}</TrpcProvider>
      </body>
    </html>
  );
}
