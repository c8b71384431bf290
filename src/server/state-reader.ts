import { readState } from '../state/index.js';
import type { State } from '../state/index.js';

/**
 * Read-only snapshots of the state for the server. Concurrent readers share
 * one file read, so a burst of requests never becomes a burst of reads.
 * Snapshots need no lock: the state is saved by atomic rename.
 */
export class StateReader {
  private inflight: Promise<State> | undefined;

  constructor(private readonly configDir: string) {}

  read(): Promise<State> {
    this.inflight ??= readState(this.configDir).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }
}
