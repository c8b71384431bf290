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
  /** A client must finish its headers within this. */
  headersTimeoutMs: 10_000,
  /** …and its whole request within this (slowloris). */
  requestTimeoutMs: 15_000,
  /** Idle keep-alive sockets are closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** Concurrent sockets; more are refused by the kernel-level accept path. */
  maxConnections: 512,
  /** Requests per keep-alive socket before it is closed. */
  maxRequestsPerSocket: 1_000,
} as const;

export function applyServerLimits(server: Server): void {
  server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  server.requestTimeout = SERVER_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;
  server.maxHeadersCount = SERVER_LIMITS.maxHeadersCount;
  server.maxConnections = SERVER_LIMITS.maxConnections;
  server.maxRequestsPerSocket = SERVER_LIMITS.maxRequestsPerSocket;
}
