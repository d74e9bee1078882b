'use client';
export function ConnectionsPage() {
  return <p>connections</p>;
}
