/**
 * The "this account must sign in again" mark in the state. The poll sets it
 * on invalid_grant so health-check and the next runs can say which account
 * to re-authorise; a successful refresh or `calsync auth` clears it.
 */
import type { State } from '../state/types.js';

/** Marks an account; keeps the first `since` so the outage's start stays visible. Returns true when the state changed. */
export function markNeedsAuth(
  state: State,
  account: string,
  reason: string,
  now: Date = new Date(),
): boolean {
  const current = state.accounts[account];
  const previous = current?.needsAuth;
  if (previous?.reason === reason) return false;
  state.accounts[account] = {
    ...current,
    needsAuth: { since: previous?.since ?? now.toISOString(), reason },
  };
  return true;
}

/** Removes the mark (and the account's entry once it is empty). Returns true when the state changed. */
export function clearNeedsAuth(state: State, account: string): boolean {
  const current = state.accounts[account];
  if (current?.needsAuth === undefined) return false;
  const { needsAuth: _cleared, ...rest } = current;
  if (Object.keys(rest).length === 0) delete state.accounts[account];
  else state.accounts[account] = rest;
  return true;
}
