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
  /** Sockets open at once; past this, the oldest socket still waiting for its request is cut. */
  maxConnections: number;
  /**
   * Slots kept for requests being answered: sockets still waiting for their
   * request are cut, oldest first, once more than `maxConnections - reserve` wait.
   */
  reserve: number;
  /**
   * A socket this young is never cut: node accepts a whole batch of
   * connections before it reads any of them, so a newcomer's request may sit
   * unread in the kernel while hundreds of flood sockets are admitted after it.
   */
  graceMs: number;
  /** Extra sockets allowed while every waiting one is within its grace; past that, newcomers are refused. */
  burst: number;
}

export class ConnectionSlots {
  /** Sockets without a complete request, oldest first (a Map keeps insertion order), with when they began waiting. */
  private readonly waiting = new Map<Socket, number>();
  private readonly live = new Set<Socket>();
  /** How many sockets were cut to make room (for logs and tests). */
  evicted = 0;

  constructor(
    private readonly limits: SlotLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get open(): number {
    return this.live.size;
  }

  /** A new connection (the server's 'connection' event). */
  admit(socket: Socket): void {
    const now = this.now();
    this.live.add(socket);
    this.waiting.set(socket, now);
    socket.once('close', () => this.forget(socket));
    const { maxConnections, reserve, graceMs, burst } = this.limits;
    while (this.waiting.size > maxConnections - reserve || this.live.size > maxConnections) {
      const oldest = this.waiting.entries().next().value;
      if (oldest === undefined || now - oldest[1] < graceMs) break;
      this.cut(oldest[0]);
    }
    // Nothing old enough to cut and the burst allowance spent: the newcomer is the one refused.
    if (this.live.size > maxConnections + burst) this.cut(socket);
  }

  /** Its request has arrived whole: the socket holds its slot until the answer is sent. */
  answering(socket: Socket): void {
    this.waiting.delete(socket);
  }

  /** Answered; a keep-alive socket waits for its next request, youngest in line. */
  answered(socket: Socket): void {
    if (!this.live.has(socket) || socket.destroyed) return;
    this.waiting.delete(socket);
    this.waiting.set(socket, this.now());
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
