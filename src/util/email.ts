/**
 * Whether two addresses name the same mailbox as Google compares attendees:
 * case does not matter (an attendee may be listed as Family@… when the
 * setting says family@…). A missing address matches nothing.
 */
export function sameEmail(a: string | null | undefined, b: string): boolean {
  return normalizeEmail(a) === normalizeEmail(b);
}

/** An address as calsync compares and records it: trimmed, lower case ('' for none). */
export function normalizeEmail(address: string | null | undefined): string {
  return (address ?? '').trim().toLowerCase();
}
