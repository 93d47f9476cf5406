import type { Server } from 'node:http';

/** How long a local endpoint keeps an idle keep-alive connection open (AWS endpoints: minutes). */
export const IDLE_CONNECTION_MS = 10 * 60_000;

/**
 * Keeps idle connections open as AWS endpoints do, not for Node's 5 s. A sandbox busy with its own
 * work for longer than that does not see the server close its pooled connections; its next calls
 * go out on closed sockets and fail with ECONNRESET, the SDK's retries too.
 */
export function keepIdleConnections<S extends Server>(server: S): S {
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  return server;
}
