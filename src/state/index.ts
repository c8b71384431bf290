/** The state store: state.json, its lock and its migrations. Other modules import only from here. */
export { emptyState, emptyMetrics, POLL_DURATION_BUCKETS } from './empty.js';
export { statePath, lockPath } from './paths.js';
export { openState, readState } from './store.js';
export { parseState } from './load.js';
export type { StateStore } from './store.js';
export { withStateLock } from './lock.js';
export type { StateLockOptions } from './lock.js';
export { entryCount } from './count.js';
export { EventTable } from './event-table.js';
export type { EntryLookup } from './event-table.js';
export { serializeState } from './serialize.js';
export { writeFileAtomic } from '../util/atomic-write.js';
export * from './types.js';
