/**
 * An unreachable or failing Google is not silent: the first retry of a call
 * logs one warning line with the cause; later retries log at debug level.
 */
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { withRetry } from '../src/google/retry.js';
import { setLogLevel, setLogSink } from '../src/util/log.js';
import { calendarClientFor } from './helpers/emulator.js';
import { startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let emu: Emulator | undefined;
let world: World | undefined;
let lines: string[] = [];
beforeEach(() => {
  process.env.CALSYNC_RETRY_SCALE = '0.01';
  lines = [];
  setLogSink((line) => lines.push(line));
});
afterEach(async () => {
  delete process.env.CALSYNC_RETRY_SCALE;
  setLogSink((line) => process.stderr.write(line + '\n'));
  setLogLevel('info');
  await emu?.close();
  await world?.close();
  emu = undefined;
  world = undefined;
});

/** A port nobody listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the first retry of a call warns with the cause', () => {
  it('three 503s: one warning naming the host and 503, the later retries at debug', async () => {
    emu = await startEmulator({ quotaPerMinute: null });
    emu.addAccount(ALICE);
    emu.injectFaults({ pathIncludes: '/events', status: 503, times: 3 });
    setLogLevel('debug');
    const res = await withRetry(
      () => calendarClientFor(emu as Emulator, ALICE).events.list({ calendarId: ALICE }),
      {
        label: 'events.list',
      },
    );
    expect(res.status).toBe(200);
    const warnings = lines.filter((l) => l.startsWith('calsync warn:'));
    expect(warnings).toEqual([
      `calsync warn: google call events.list failed (${new URL(emu.url).host}: 503 backendError); retrying for up to 120 s`,
    ]);
    expect(lines.filter((l) => l.startsWith('calsync debug: google call failed, retrying'))).toHaveLength(2);
  });

  it('a poll against an unreachable Google says ECONNREFUSED and the host on stderr at the default level', async () => {
    world = await startWorld();
    const port = await closedPort();
    const r = await world.cli.run(['poll'], { CALSYNC_GOOGLE_API_ROOT: `http://127.0.0.1:${port}/` });
    expect(r.code).toBe(1);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('calsync warn: google call'));
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w).toContain(`(127.0.0.1:${port}: ECONNREFUSED)`);
    // One line per call, not one per retry.
    expect(new Set(warnings).size).toBe(warnings.length);
  });
});
