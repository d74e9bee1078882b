'use client';
export function TaskDetailsPage({ id }: { id: string }) {
  return <p>task {id}</p>;
}
