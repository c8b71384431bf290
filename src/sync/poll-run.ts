/** What one poll shares across its calendars (poll.ts), and what acting on a calendar's changes uses (act.ts). */
import type { Settings } from '../config/types.js';
import type { State } from '../state/types.js';
import type { GoogleAccess } from './api.js';
import type { GoogleClock } from './google-clock.js';
import type { MirrorWriters } from './mirror-writer.js';
import type { ActionReport, DeliveryReport } from './report.js';

export interface PollOptions {
  settings: Settings;
  /** Only these source calendars (default: all). */
  calendars?: string[];
  dryRun?: boolean;
  fullResync?: boolean;
  /** Also try the events parked because Google kept refusing them (sync/parking.ts). */
  retryFailed?: boolean;
  trigger: 'cli' | 'timer' | 'webhook' | 'serve' | 'demo';
  onProgress?: (message: string) => void;
  /** A calendar's writes as they go (act.ts): `written` of `planned` this poll, for a terminal's progress. */
  onWrites?: (calendarId: string, progress: WriteProgress) => void;
  /** Gives up waiting for the state lock (a server shutting down); a poll that holds it runs to the end. */
  signal?: AbortSignal;
  /**
   * Stops the poll (SIGINT, SIGTERM: cli/stop-signals.ts): no request goes out
   * after it, the ones in flight end (google/request-signals.ts; DRAIN_MS,
   * act.ts, bounds the rest), every outcome is recorded and what is left
   * (an unanswered write too) waits for the next poll.
   */
  stop?: AbortSignal;
}

export interface WriteProgress {
  written: number;
  planned: number;
  /** Of the planned, those left for the next poll (write budget, limits, a stop). */
  deferred: number;
}

/** Shared across the calendars of one poll. */
export interface PollRun {
  opts: PollOptions;
  state: State;
  api: GoogleAccess;
  writesLeft: number;
  /** Each account's access to the shared calendar: asked once per poll, only when something is to be written there. */
  writers: MirrorWriters;
  actions: ActionReport[];
  writes: number;
  /** Saves the state without moving any sync token (progress made durable mid-poll). */
  checkpoint: () => Promise<void>;
  outcomesSinceSave: number;
  /** Google's time, from the answers' Date headers. */
  clock: GoogleClock;
  /** The clock's problem has been logged (once a poll). */
  clockWarned: boolean;
  /** The shared calendar's delivery check (delivery.ts): at most one listing a poll. */
  delivery: Promise<DeliveryReport>;
  deliveryForced?: boolean;
}
