/**
 * Deleted event ids (the facts page, "Deleted ids"): re-inserting a deleted
 * id answers 409 (Events: insert reference, "id ... must be unique per
 * calendar"; client-library trackers report the 409 for deleted ids), and an
 * update of an event deleted in the UI has been reported to answer 403. Both
 * modes are modelled; calsync must survive either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleError, startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ME = 'me@example.com';
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ME] });
});
afterAll(async () => t.close());

const body = (id: string) => ({
  id,
  summary: 'Copy',
  start: { dateTime: '2026-04-01T10:00:00Z' },
  end: { dateTime: '2026-04-01T11:00:00Z' },
});

async function deleted(id: string) {
  const cal = t.calendarFor(ME);
  await cal.events.insert({ calendarId: ME, requestBody: body(id) });
  await cal.events.delete({ calendarId: ME, eventId: id });
  return cal;
}

describe.each(['restorable', 'burnt'] as const)('deleted events (%s)', (mode) => {
  it('re-inserting a deleted id answers 409 duplicate', async () => {
    t.emu.deletedEvents = mode;
    const cal = await deleted(`gone${mode}1`);
    const err = await googleError(() =>
      cal.events.insert({ calendarId: ME, requestBody: body(`gone${mode}1`) }),
    );
    expect([err.status, err.reason]).toEqual([409, 'duplicate']);
  });

  it(
    mode === 'restorable'
      ? 'a patch to confirmed restores a deleted event'
      : 'a patch or update of a deleted event answers 403 forbidden: it cannot be restored',
    async () => {
      t.emu.deletedEvents = mode;
      const id = `gone${mode}2`;
      const cal = await deleted(id);
      const patch = () =>
        cal.events.patch({ calendarId: ME, eventId: id, requestBody: { status: 'confirmed' } });
      if (mode === 'restorable') {
        expect((await patch()).data.status).toBe('confirmed');
        return;
      }
      const err = await googleError(patch);
      expect([err.status, err.reason]).toEqual([403, 'forbidden']);
      const update = await googleError(() =>
        cal.events.update({ calendarId: ME, eventId: id, requestBody: { ...body(id), status: 'confirmed' } }),
      );
      expect(update.status).toBe(403);
      expect(t.emu.getEvent(ME, id)?.status).toBe('cancelled');
    },
  );
});
