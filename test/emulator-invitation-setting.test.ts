/**
 * "Add invitations to my calendar" (Google Calendar Help, "Change how
 * invitations appear in your calendar"; the facts page, "Invitations"): from
 * everyone; only if the sender is known; or when the invitee responds to the
 * email. Otherwise the invitee gets the email only, even with sendUpdates=none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ALICE = 'alice@gmail.com';
const CAROL = 'carol@corp.example';
const GROUP = 'family@group.calendar.google.com';
const TEAM = 'team@corp.example';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ALICE, CAROL, GROUP, TEAM] });
  t.emu.addCalendar(GROUP, { owner: GROUP, writers: [ALICE] });
  t.emu.addCalendar(TEAM, { owner: TEAM, writers: [CAROL] });
});
afterAll(async () => t.close());

const timed = { start: { dateTime: '2026-04-01T10:00:00Z' }, end: { dateTime: '2026-04-01T11:00:00Z' } };

async function invite(from: string, to: string, summary: string) {
  const { data } = await t.calendarFor(from).events.insert({
    calendarId: from,
    sendUpdates: 'none',
    requestBody: { summary, ...timed, attendees: [{ email: to }] },
  });
  return data.id ?? '';
}

describe('Add invitations to my calendar', () => {
  it('from everyone (the default): the invitation is on the invitee calendar at once, same id', async () => {
    t.emu.setInvitationSetting(GROUP, 'everyone');
    const id = await invite(ALICE, GROUP, 'Everyone');
    const { data } = await t.calendarFor(GROUP).events.get({ calendarId: GROUP, eventId: id });
    expect(data.summary).toBe('Everyone');
  });

  it('only known senders: a gmail.com sender is not known to a group calendar, so nothing is added (even with sendUpdates=none)', async () => {
    t.emu.setInvitationSetting(GROUP, 'knownSenders');
    const id = await invite(ALICE, GROUP, 'Unknown sender');
    expect(t.emu.getEvent(GROUP, id)).toBeUndefined();
    const listed = await t.calendarFor(GROUP).events.list({ calendarId: GROUP, showDeleted: true });
    expect(listed.data.items?.map((e) => e.id)).not.toContain(id);
    // Later changes of the event do not add it either.
    await t
      .calendarFor(ALICE)
      .events.patch({ calendarId: ALICE, eventId: id, requestBody: { summary: 'Again' } });
    expect(t.emu.getEvent(GROUP, id)).toBeUndefined();
  });

  it('only known senders: the same organization (domain) or a listed contact is known', async () => {
    t.emu.setInvitationSetting(TEAM, 'knownSenders');
    const sameDomain = await invite(CAROL, TEAM, 'Same domain');
    expect(t.emu.getEvent(TEAM, sameDomain)?.summary).toBe('Same domain');
    t.emu.setInvitationSetting(GROUP, 'knownSenders', [ALICE]);
    const contact = await invite(ALICE, GROUP, 'Contact');
    expect(t.emu.getEvent(GROUP, contact)?.summary).toBe('Contact');
  });

  it('when I respond: added only once the invitee answers the email; then it follows the organizer', async () => {
    const quiet = 'quiet@group.calendar.google.com';
    t.emu.addAccount(quiet);
    t.emu.addCalendar(quiet, { owner: quiet, addInvitations: 'whenResponded' });
    const id = await invite(ALICE, quiet, 'Respond first');
    expect(t.emu.getEvent(quiet, id)).toBeUndefined();
    t.emu.respondToInvitation(quiet, ALICE, id, 'accepted');
    expect(t.emu.getEvent(quiet, id)?.summary).toBe('Respond first');
    await t
      .calendarFor(ALICE)
      .events.patch({ calendarId: ALICE, eventId: id, requestBody: { summary: 'Moved' } });
    expect(t.emu.getEvent(quiet, id)?.summary).toBe('Moved');
  });

  it('a guest copy goes when the guest is dropped, and one the guest deleted does not come back with changes', async () => {
    t.emu.setInvitationSetting(GROUP, 'everyone');
    const alice = t.calendarFor(ALICE);
    const id = await invite(ALICE, GROUP, 'Dropped');
    await alice.events.patch({ calendarId: ALICE, eventId: id, requestBody: { attendees: [] } });
    expect(t.emu.getEvent(GROUP, id)?.status).toBe('cancelled');

    const kept = await invite(ALICE, GROUP, 'Deleted by the guest');
    await t.calendarFor(GROUP).events.delete({ calendarId: GROUP, eventId: kept });
    await alice.events.patch({ calendarId: ALICE, eventId: kept, requestBody: { summary: 'Changed' } });
    expect(t.emu.getEvent(GROUP, kept)?.status).toBe('cancelled');
  });
});
