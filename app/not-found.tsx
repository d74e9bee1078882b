import Link from 'next/link';

// Our own 404 page: Next's built-in one carries an inline <style> element, which the console's
// Content-Security-Policy (styles from our CSS files only) refuses.
export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-8">
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="text-sm text-gray-600">There is no page at this address.</p>
      <Link href="/" className="text-sm text-[#0070cc] hover:underline">
        Back to Data Synchronization Tasks
      </Link>
    </main>
  );
}
