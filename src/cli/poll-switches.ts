/** poll's options that take no value: commander defines them, and the timer's fast path reads them. */
export const POLL_SWITCHES = [
  { flags: '--dry-run', key: 'dryRun', description: 'print the plan; write nothing to Google or the state' },
  {
    flags: '--full-resync',
    key: 'fullResync',
    description: 'ignore the stored sync tokens and list everything again',
  },
  {
    flags: '--retry-failed',
    key: 'retryFailed',
    description: 'also retry events parked because Google kept refusing them',
  },
] as const;

export type PollSwitch = (typeof POLL_SWITCHES)[number]['key'];

export interface PollFlags extends Partial<Record<PollSwitch, boolean>> {
  calendar?: string[];
}
