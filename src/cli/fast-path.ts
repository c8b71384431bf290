/**
 * The command line a timer runs, `calsync poll`, read without commander:
 * loading commander is about a fifth of an idle poll's time, paid every few
 * minutes for years. Only words commander reads the same way are taken: the
 * command `poll`, its switches after it, the global switches anywhere. Any
 * other word, valid or not, returns undefined and goes to commander, so help,
 * values and usage errors stay commander's.
 */
import { GLOBAL_OPTIONS, resolveGlobals, type GlobalOptions } from './globals.js';
import { POLL_SWITCHES, type PollFlags, type PollSwitch } from './poll-switches.js';

export interface TimerPoll {
  flags: PollFlags;
  globals: GlobalOptions;
}

type GlobalKey = (typeof GLOBAL_OPTIONS)[number]['key'];

/** Each word that names an option (`-v` and `--verbose` both do), and the value it sets. */
function byWord<K extends string>(
  options: readonly { flags: string; key: K; value?: boolean }[],
): Map<string, { key: K; value: boolean }> {
  const words = new Map<string, { key: K; value: boolean }>();
  for (const o of options)
    for (const word of o.flags.split(', ')) words.set(word, { key: o.key, value: o.value ?? true });
  return words;
}

const GLOBAL_WORDS = byWord<GlobalKey>(GLOBAL_OPTIONS);
const POLL_WORDS = byWord<PollSwitch>(POLL_SWITCHES);

/** `args` is argv without node and the script. */
export function parseTimerPoll(args: readonly string[]): TimerPoll | undefined {
  const globals: Partial<Record<GlobalKey, boolean>> = {};
  const flags: PollFlags = {};
  let sawPoll = false;
  for (const word of args) {
    const global = GLOBAL_WORDS.get(word);
    const own = sawPoll ? POLL_WORDS.get(word) : undefined;
    if (global) globals[global.key] = global.value;
    else if (own) flags[own.key] = own.value;
    else if (word === 'poll' && !sawPoll) sawPoll = true;
    else return undefined;
  }
  return sawPoll ? { flags, globals: resolveGlobals(globals) } : undefined;
}
