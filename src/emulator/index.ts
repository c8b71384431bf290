/** The Google Calendar + OAuth emulator: public API. */
export { startEmulator } from './emulator.js';
export type {
  AuthorizedUserJson,
  ServiceAccountKeyJson,
  CalendarOptions,
  ConsentSettings,
  DeletedEventsMode,
  DeliveryLogEntry,
  Emulator,
  FaultRule,
  GoogleEvent,
  RequestLogEntry,
  StartEmulatorOptions,
} from './types.js';
export * as samples from './samples.js';
export {
  birthdayEvent,
  focusTimeEvent,
  gmailEvent,
  legacyGmailEvent,
  LEAP_DAY_RULE,
  meeting,
  specialDateEvent,
  outOfOfficeEvent,
  workingLocationEvent,
} from './samples.js';
export { seedDemo, DEMO_ACCOUNTS, type DemoSeed } from './demo-seed.js';
