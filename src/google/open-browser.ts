/**
 * Opening the sign-in URL in the user's browser, best effort: only where a
 * desktop session is likely (macOS, or an X11/Wayland display), detached so
 * calsync never waits for the browser, and silent if it fails (the URL is
 * printed anyway).
 */
import { spawn } from 'node:child_process';
import { log } from '../util/log.js';

export function hasDesktop(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (platform === 'darwin') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const command = platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    const child = spawn(command, [url], { detached: true, stdio: 'ignore' });
    child.on('error', (err) => log.debug('could not open a browser', { command, error: err.message }));
    child.unref();
  } catch (err) {
    log.debug('could not open a browser', {
      command,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
