'use client';
export function SettingsPage() {
  return <p>settings</p>;
}
