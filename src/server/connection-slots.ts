/**
 * Connection slots under a slow flood. Behind a tunnel every client comes
 * from 127.0.0.1, so limits per address do nothing; and a cap that refuses
 * new connections once full lets 600 clients sending one header byte a second
 * lock Google and /health out until the header time-out fires. Here a socket
 * only holds a slot for certain while its request is being answered. One that
 * is still sending its request (headers or body), or idles between keep-alive
 * requests, may be cut to make room, the oldest first: a well-formed request
 * arrives in one go and is answered long before it is the oldest, so the
 * flood only ever pushes out itself.
 */
import type { Socket } from 'node:net';

export interface SlotLimits {
  /** Sockets open at once; a new one past this cuts the oldest waiting one. */
  maxConnections: number;
  /**
   * Slots kept for requests being answered: sockets still waiting for their
   * request are cut, oldest first, once more than `maxConnections - reserve` wait.
   */
  reserve: number;
}

export class ConnectionSlots {
  /** Sockets without a complete request, oldest first (a Map keeps insertion order). */
  private readonly waiting = new Map<Socket, true>();
  private readonly live = new Set<Socket>();
  /** How many sockets were cut to make room (for logs and tests). */
  evicted = 0;

  constructor(private readonly limits: SlotLimits) {}

  get open(): number {
    return this.live.size;
  }

  /** A new connection (the server's 'connection' event). */
  admit(socket: Socket): void {
    this.live.add(socket);
    this.waiting.set(socket, true);
    socket.once('close', () => this.forget(socket));
    const maxWaiting = this.limits.maxConnections - this.limits.reserve;
    while (this.waiting.size > maxWaiting || this.live.size > this.limits.maxConnections) {
      const oldest = this.waiting.keys().next().value;
      // Every slot is answering a request: the newcomer is the one refused.
      this.cut(oldest ?? socket);
      if (oldest === undefined || oldest === socket) return;
    }
  }

  /** Its request has arrived whole: the socket holds its slot until the answer is sent. */
  answering(socket: Socket): void {
    this.waiting.delete(socket);
  }

  /** Answered; a keep-alive socket waits for its next request, youngest in line. */
  answered(socket: Socket): void {
    if (!this.live.has(socket) || socket.destroyed) return;
    this.waiting.delete(socket);
    this.waiting.set(socket, true);
  }

  private cut(socket: Socket): void {
    this.forget(socket);
    this.evicted++;
    socket.destroy();
  }

  private forget(socket: Socket): void {
    this.live.delete(socket);
    this.waiting.delete(socket);
  }
}
