import type { Server } from 'node:http';

/**
 * Explicit limits for a server that faces the Internet (Google's push
 * delivery comes through whatever proxy the user put in front). Google sends
 * a handful of headers and no body, so everything here is tight.
 */
export const SERVER_LIMITS = {
  /** Bodies above this are refused with 413; Google's notifications have none. */
  maxBodyBytes: 64 * 1024,
  /** Node's own header-size cap (createServer option), applied per request. */
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 64,
  /**
   * A client must finish its headers within this. Google and a tunnel send a
   * request in one go; only a slow flood needs more than a fraction of it.
   */
  headersTimeoutMs: 4_000,
  /** …and its whole request within this (slowloris). */
  requestTimeoutMs: 8_000,
  /** How often node enforces the two time-outs above (its default, 30 s, would let them overrun). */
  connectionsCheckingIntervalMs: 500,
  /** Idle keep-alive sockets are closed after this. */
  keepAliveTimeoutMs: 5_000,
  /**
   * Concurrent sockets. A new one past this cuts the oldest socket that has
   * not sent a whole request yet (see connection-slots.ts), not the newcomer.
   */
  maxConnections: 512,
  /** Slots only requests being answered may hold: at most maxConnections - this wait for their request. */
  reservedSlots: 64,
  /** A socket is never cut in its first this-many ms: time to read a request that came in one go. */
  connectionGraceMs: 250,
  /** Sockets allowed past maxConnections while every waiting one is within its grace time. */
  burstConnections: 256,
  /** Requests per keep-alive socket before it is closed. */
  maxRequestsPerSocket: 1_000,
} as const;

export function applyServerLimits(server: Server): void {
  server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  server.requestTimeout = SERVER_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;
  server.maxHeadersCount = SERVER_LIMITS.maxHeadersCount;
  // No server.maxConnections: it refuses the newcomer, which under a slow flood is Google. ConnectionSlots decides.
  server.maxRequestsPerSocket = SERVER_LIMITS.maxRequestsPerSocket;
}
