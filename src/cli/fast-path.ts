/**
 * The command line a timer runs, `calsync poll`, read without commander:
 * loading commander is about a fifth of an idle poll's time, paid every few
 * minutes for years. Only words commander reads the same way are taken: the
 * command `poll`, its switches after it, the global switches anywhere, and
 * `--profile <name>` or `--profile=<name>` anywhere (a valid name only: a
 * bad one is commander's usage error). Any other word, valid or not, returns
 * undefined and goes to commander, so help, values and usage errors stay
 * commander's.
 */
import { isProfileName } from '../config/paths.js';
import { GLOBAL_OPTIONS, PROFILE_OPTION, resolveGlobals, type GlobalOptions } from './globals.js';
import { POLL_SWITCHES, type PollFlags, type PollSwitch } from './poll-switches.js';

export interface TimerPoll {
  flags: PollFlags;
  globals: GlobalOptions;
}

type GlobalKey = (typeof GLOBAL_OPTIONS)[number]['key'];

/** `--profile`, the word before the value's placeholder. */
const PROFILE_WORD = PROFILE_OPTION.flags.split(' ')[0] ?? '';

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
  let profile: string | undefined;
  let sawPoll = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    if (word === PROFILE_WORD || word.startsWith(`${PROFILE_WORD}=`)) {
      // Commander takes the next word as the value whatever it is (`--profile poll`, `--profile -v`).
      const value = word === PROFILE_WORD ? args[++i] : word.slice(PROFILE_WORD.length + 1);
      if (value === undefined || !isProfileName(value)) return undefined;
      profile = value;
      continue;
    }
    const global = GLOBAL_WORDS.get(word);
    const own = sawPoll ? POLL_WORDS.get(word) : undefined;
    if (global) globals[global.key] = global.value;
    else if (own) flags[own.key] = own.value;
    else if (word === 'poll' && !sawPoll) sawPoll = true;
    else return undefined;
  }
  return sawPoll ? { flags, globals: resolveGlobals({ ...globals, profile }) } : undefined;
}
