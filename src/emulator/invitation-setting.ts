/**
 * A calendar's "Add invitations to my calendar" setting, and whether Google
 * would put an invitation from a sender on it. Google Calendar Help, "Change
 * how invitations appear in your calendar": from everyone; only if the sender
 * is known (a contact, someone in the organization, someone the invitee has
 * interacted with); or only when the invitee responds to the invitation in
 * email. Otherwise the invitee gets the email only, even with
 * sendUpdates=none. Workspace admins can make "known senders" the default.
 */
import type { CalendarRecord } from './store.js';

export type InvitationSetting = 'everyone' | 'knownSenders' | 'whenResponded';

export const INVITATION_SETTINGS: readonly InvitationSetting[] = [
  'everyone',
  'knownSenders',
  'whenResponded',
];

export function isInvitationSetting(value: string): value is InvitationSetting {
  return (INVITATION_SETTINGS as readonly string[]).includes(value);
}

/** Consumer domains are no organization: two gmail.com users do not know each other by their domain. */
const CONSUMER_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/**
 * Who counts as known to a calendar: an address on its explicit list (its
 * owner's contacts, people interacted with), or one of the same organization
 * as its owner (same domain, not a consumer one). A secondary
 * `…@group.calendar.google.com` calendar owned by itself knows no one: the
 * harsh case for a household inviting it from gmail.com.
 */
export function isKnownSender(target: CalendarRecord, sender: string): boolean {
  const email = sender.toLowerCase();
  if (target.knownSenders.has(email)) return true;
  const domain = domainOf(email);
  return !CONSUMER_DOMAINS.has(domain) && domain === domainOf(target.owner);
}

/** Whether Google adds the invitation to the target calendar now. */
export function mayDeliver(target: CalendarRecord, sender: string, responded: boolean): boolean {
  switch (target.addInvitations) {
    case 'everyone':
      return true;
    case 'knownSenders':
      return responded || isKnownSender(target, sender);
    case 'whenResponded':
      return responded;
  }
}
