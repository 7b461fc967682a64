import pg from "pg";

export interface Listener {
  close(): Promise<void>;
}

/**
 * Holds one Postgres connection on LISTEN `channel` and calls `onNotify` for each notification.
 * A lost connection is re-opened after `retryMs`, then `onNotify` runs once to catch up on what
 * was committed meanwhile; the dispatcher's slow poll covers the gap either way.
 */
export function listen(
  databaseUrl: string,
  channel: string,
  onNotify: () => void,
  log: (line: string) => void,
  retryMs = 1000,
): Listener {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const reconnect = (reason: string) => {
    if (closed || retry) return;
    log(`outbox listener: ${reason}; reconnecting in ${retryMs} ms`);
    client?.removeAllListeners();
    void client?.end().catch(() => undefined);
    client = null;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, retryMs);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: databaseUrl });
    client = next;
    next.on("notification", () => onNotify());
    next.on("error", (error) => reconnect(error.message));
    next.on("end", () => reconnect("connection ended"));
    try {
      await next.connect();
      // The channel is a constant of ours, not input; identifiers cannot be bound parameters.
      await next.query(`LISTEN "${channel}"`);
      if (closed) await next.end();
      else onNotify();
    } catch (error) {
      reconnect(error instanceof Error ? error.message : String(error));
    }
  }
  void connect();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = null;
      current?.removeAllListeners();
      await current?.end().catch(() => undefined);
    },
  };
}
