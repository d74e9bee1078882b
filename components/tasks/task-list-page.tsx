'use client';
export function TaskListPage() {
  return <p>task list</p>;
}
