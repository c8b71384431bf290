import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of the channel token Google echoes back. Both
 * sides are hashed first so that timingSafeEqual sees equal lengths and the
 * comparison time reveals neither the token nor its length.
 */
export function tokensMatch(expected: string, received: string | undefined): boolean {
  if (received === undefined) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(received, 'utf8').digest();
  return timingSafeEqual(a, b);
}
