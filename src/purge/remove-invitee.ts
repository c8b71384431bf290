/** purge takes back invitations with the poll's own removal (sync/uninvite.ts), which an event turning private uses too. */
export { removeCalsyncInvitee, withoutCalsyncInvitee, type InviteeRemoval } from '../sync/uninvite.js';
