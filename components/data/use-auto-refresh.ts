'use client';
// The Auto Refresh switch, remembered per screen in the browser.
import { useCallback, useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
const storageKey = (screen: string) => `dts.autoRefresh.${screen}`;

export function useAutoRefresh(screen: string): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => window.localStorage.getItem(storageKey(screen)) !== 'off',
    () => true,
  );
  const set = useCallback(
    (v: boolean) => {
      window.localStorage.setItem(storageKey(screen), v ? 'on' : 'off');
      listeners.forEach((l) => l());
    },
    [screen],
  );
  return [on, set];
}
