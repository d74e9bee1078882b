// The heartbeat timer loop of a change stream source (StreamSource.startHeartbeat): one beat every
// `everyMs`, never two at once, on one connection that is reopened after a failure and closed by
// stop(). Engine-neutral: the engine opens, beats and closes its own connection.

export interface HeartbeatDriver<C> {
  open(): Promise<C>;
  /** writes one beat; false when the source cannot take heartbeats: the loop then stops beating */
  beat(conn: C): Promise<boolean>;
  /** closes the connection; must not throw */
  close(conn: C): Promise<void>;
}

export function heartbeatLoop<C>(everyMs: number, driver: HeartbeatDriver<C>, onError: (e: unknown) => void): { stop(): Promise<void> } {
  let conn: C | null = null;
  let stopped = false;
  let usable = true;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    if (stopped || !usable) return;
    try {
      conn ??= await driver.open();
      usable = await driver.beat(conn);
    } catch (e) {
      const dead = conn;
      conn = null;
      if (dead !== null) await driver.close(dead);
      if (!stopped) onError(e);
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, everyMs);
  running = tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      const open = conn;
      conn = null;
      if (open !== null) await driver.close(open);
    },
  };
}
