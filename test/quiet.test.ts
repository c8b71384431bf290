/**
 * --quiet means one thing for every command, as its help says: only errors on
 * stderr. What a command prints on stdout stays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from './helpers/world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('--quiet', () => {
  it('poll: the retry warning goes, the report on stdout stays', async () => {
    world = await startWorld();
    world.emu.injectFaults({ pathIncludes: '/events', status: 503, times: 1 });
    const loud = await world.cli.run(['poll']);
    expect(loud.code).toBe(0);
    expect(loud.stderr).toContain('calsync warn:');
    world.emu.injectFaults({ pathIncludes: '/events', status: 503, times: 1 });
    const quiet = await world.cli.run(['poll', '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(/^calendar\s+changes/);
  });

  it('config set: the override warning goes, the change on stdout stays', async () => {
    world = await startWorld();
    const env = { POLL_INTERVAL_MINUTES: '3' };
    const loud = await world.cli.run(['config', 'set', 'pollIntervalMinutes', '10'], env);
    expect(loud.stderr).toContain('also set by the environment');
    const quiet = await world.cli.run(['--quiet', 'config', 'set', 'pollIntervalMinutes', '11'], env);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('pollIntervalMinutes = 11');
  });
});
