import { decodeRow, encodeRow, rowDelivery, rowHasCopy, rowId, rowIsPending } from './event-row.js';
import type { ProcessedEvent } from './types.js';

/** What the sync rules need of a calendar's entries: one lookup by source event id. */
export interface EntryLookup {
  get(id: string): ProcessedEvent | undefined;
}

/**
 * The processed-event entries of one source calendar, kept as the encoded
 * rows they are stored as (event-row.ts): loading builds an index of rows,
 * saving writes them back as they are, and only the entries a poll reads or
 * writes are decoded or encoded.
 *
 * Entries are values: `get` returns a fresh object, so a change is made with
 * `set`, never by mutating what `get` returned.
 */
export class EventTable implements EntryLookup {
  private readonly rows = new Map<string, string>();

  /**
   * A table from the rows of a state file; undefined when a row is not a
   * string. A row without an id (empty, or starting with a space) is no one's
   * entry: it is dropped, not held against the whole file.
   */
  static fromRows(rows: readonly unknown[]): EventTable | undefined {
    const table = new EventTable();
    for (const row of rows) {
      if (typeof row !== 'string') return undefined;
      if (row === '' || row.charCodeAt(0) === 32) continue;
      table.rows.set(rowId(row), row);
    }
    return table;
  }

  /** A table holding these entries (migrations, tests, benchmarks). */
  static of(entries: Record<string, ProcessedEvent>): EventTable {
    const table = new EventTable();
    for (const [id, entry] of Object.entries(entries)) table.set(id, entry);
    return table;
  }

  get size(): number {
    return this.rows.size;
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  get(id: string): ProcessedEvent | undefined {
    const row = this.rows.get(id);
    return row === undefined ? undefined : decodeRow(row);
  }

  /** Stores the entry; one without an id (no Google event has none) is not kept. */
  set(id: string, entry: ProcessedEvent): this {
    if (id !== '') this.rows.set(id, encodeRow(id, entry));
    return this;
  }

  delete(id: string): boolean {
    return this.rows.delete(id);
  }

  ids(): IterableIterator<string> {
    return this.rows.keys();
  }

  /** Every entry, decoded: for the rare walks over all of them (`clean`). */
  *entries(): IterableIterator<[string, ProcessedEvent]> {
    for (const [id, row] of this.rows) yield [id, decodeRow(row)];
  }

  /** Ids of the entries whose last action failed or was deferred (every poll asks: no row is decoded). */
  pendingIds(): string[] {
    const ids: string[] = [];
    for (const [id, row] of this.rows) if (rowIsPending(row)) ids.push(id);
    return ids;
  }

  /** Whether an entry keeps the copy or mirror with this id (no row is decoded). */
  holdsCopy(copyId: string): boolean {
    for (const row of this.rows.values()) if (rowHasCopy(row, copyId)) return true;
    return false;
  }

  /** Ids of the entries whose delivery is one of these (sync/delivery.ts), without decoding the others. */
  idsWithDelivery(values: readonly NonNullable<ProcessedEvent['delivery']>[]): string[] {
    const ids: string[] = [];
    for (const [id, row] of this.rows) {
      const d = rowDelivery(row);
      if (d && values.includes(d)) ids.push(id);
    }
    return ids;
  }

  /** What JSON.stringify writes for the table: its rows. */
  toJSON(): string[] {
    return [...this.rows.values()];
  }
}
