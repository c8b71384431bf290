/** The Google Calendar + OAuth emulator: public API. */
export { startEmulator } from './emulator.js';
export type {
  AuthorizedUserJson,
  ServiceAccountKeyJson,
  CalendarOptions,
  ConsentSettings,
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
  meeting,
  outOfOfficeEvent,
  workingLocationEvent,
} from './samples.js';
export { seedDemo, DEMO_ACCOUNTS, type DemoSeed } from './demo-seed.js';
