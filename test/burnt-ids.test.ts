import { describe, expect, it } from 'vitest';
import { idOfGeneration, splitGeneration } from '../src/sync/burnt-ids.js';
import { copyEventId } from '../src/sync/ids.js';

describe('the id sequence of a burnt copy id', () => {
  const base = copyEventId('family@example.com', 'a@example.com', 'evt1', 'mirror');
  it('is deterministic, base32hex, and reads back its generation', () => {
    expect(idOfGeneration(base, 0)).toBe(base);
    expect(idOfGeneration(base, 1)).toBe(`${base}v1`);
    expect(idOfGeneration(base, 40)).toMatch(/^[0-9a-v]{5,1024}$/);
    for (const n of [0, 1, 31, 32, 1000])
      expect(splitGeneration(idOfGeneration(base, n))).toEqual({ baseId: base, generation: n });
  });
  it("leaves ids that are not calsync's alone", () => {
    expect(splitGeneration('abcdef')).toBeUndefined();
    expect(splitGeneration(`${base}_20260101`)).toBeUndefined();
  });
});
