/**
 * Whether two addresses name the same mailbox as Google compares attendees:
 * case does not matter (an attendee may be listed as Family@… when the
 * setting says family@…). A missing address matches nothing.
 */
export function sameEmail(a: string | null | undefined, b: string): boolean {
  return (a ?? '').toLowerCase() === b.toLowerCase();
}
