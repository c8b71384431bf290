import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { at, startWorld, type World } from './helpers/world.js';

let world: World | undefined;
let kuma: Server | undefined;
afterEach(async () => {
  await world?.close();
  if (kuma) await new Promise((r) => kuma?.close(r));
  world = undefined;
  kuma = undefined;
});

/** A stand-in for Uptime Kuma's push endpoint that records what it was told. */
async function fakeKuma(): Promise<{ url: string; pushes: URLSearchParams[] }> {
  const pushes: URLSearchParams[] = [];
  kuma = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/push/tok123456') pushes.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => kuma?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(kuma.address() as AddressInfo).port}/api/push/tok123456`, pushes };
}

describe('poll heartbeats (Uptime Kuma push)', () => {
  it('a successful poll pushes status=up with a message and the duration', async () => {
    const k = await fakeKuma();
    world = await startWorld({ env: { CALSYNC_UPTIME_KUMA_PUSH_URL: k.url } });
    world.emu.seedEvent(
      'alice@example.test',
      samples.gmailEvent({ summary: 'Trip', start: at(2, 8), end: at(2, 9) }),
    );
    const res = await world.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(0);
    expect(k.pushes).toHaveLength(1);
    expect(k.pushes[0]?.get('status')).toBe('up');
    expect(k.pushes[0]?.get('msg')).toMatch(/1 calendars, \d+ changes, 1 done, 0 failed/);
    expect(Number(k.pushes[0]?.get('ping'))).toBeGreaterThan(0);
  });

  it('a failed poll pushes status=down with the reason', async () => {
    const k = await fakeKuma();
    world = await startWorld({ env: { CALSYNC_UPTIME_KUMA_PUSH_URL: k.url } });
    world.emu.revokeRefreshTokens('alice@example.test');
    const res = await world.cli.run(['poll']);
    expect(res.code).toBe(1);
    expect(k.pushes.map((p) => p.get('status'))).toEqual(['down']);
    expect(k.pushes[0]?.get('msg')).toMatch(/alice@example\.test/);
  });

  it('a push that cannot be delivered is logged and never fails the poll', async () => {
    world = await startWorld({
      env: { CALSYNC_UPTIME_KUMA_PUSH_URL: 'http://127.0.0.1:9/api/push/tok123456' },
    });
    const res = await world.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/warn/);
    expect(res.stderr).not.toContain('tok123456');
  });
});
