/**
 * The config dir and its tokens/ hold what lets calsync act as the user: a
 * directory others may write to, or one someone else owns, lets them replace
 * a token file or state.json (even when each file is 0600, as a rename or an
 * unlink needs only write access to the directory). Refused as ssh refuses a
 * loose key, with the command that fixes it.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/** Throws ConfigError when `dir` is writable by group or others, or owned by another user. A missing dir passes. */
export function assertPrivateDir(dir: string): void {
  let st: { uid: number; mode: number };
  try {
    st = statSync(dir);
  } catch {
    // Missing: created 0700 when first written. Unreadable: the read that follows says why.
    return;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new ConfigError(
      `${dir} is owned by uid ${st.uid}, not by you (uid ${uid}): its owner could replace token files or the state`,
      { hint: `run: sudo chown ${uid} ${dir} && chmod 700 ${dir}` },
    );
  }
  if ((st.mode & 0o022) !== 0) {
    throw new ConfigError(
      `${dir} is writable by group or others: they could replace token files or the state`,
      { hint: `run: chmod 700 ${dir}` },
    );
  }
}

/**
 * For a long-running process (serve-webhook): the config dir must be private and
 * writable now, or every poll would fail to save. A volume owned by root, or
 * mounted read-only, is then one clear error at start, not a failure per poll.
 * A missing dir is created 0700, as the first write would.
 */
export function assertWritableConfigDir(dir: string): void {
  assertPrivateDir(dir);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`cannot write the config dir ${dir} (${code}): polls could not save the state`, {
      hint: `make ${dir} writable by uid ${process.getuid?.() ?? '?'} (mode 700), or set CALSYNC_CONFIG_DIR`,
    });
  }
}
