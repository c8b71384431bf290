import { describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../src/google/loopback-server.js';

const redirect = { host: '127.0.0.1', port: 0, path: '/', fixedPort: false };

async function withServer(timeoutMs: number, fn: (s: LoopbackServer) => Promise<void>): Promise<void> {
  const server = await startLoopbackServer({
    account: 'a@example.com',
    redirect,
    state: 'good-state',
    timeoutMs,
  });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

describe('loopback server', () => {
  it('listens on 127.0.0.1 and hands over the code when the state matches', async () => {
    await withServer(10_000, async (s) => {
      expect(s.redirectUri).toBe(`http://127.0.0.1:${s.port}/`);
      const res = await fetch(`${s.redirectUri}?code=the-code&state=good-state&scope=x`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('You can close this tab');
      await expect(s.code).resolves.toBe('the-code');
    });
  });

  it('ignores unrelated paths like /favicon.ico and keeps waiting', async () => {
    await withServer(10_000, async (s) => {
      const res = await fetch(`http://127.0.0.1:${s.port}/favicon.ico`);
      expect(res.status).toBe(404);
      await res.text();
      const ok = await fetch(`${s.redirectUri}?code=c2&state=good-state`);
      await ok.text();
      await expect(s.code).resolves.toBe('c2');
    });
  });

  it('refuses a state that does not match, telling the browser why, and still takes the real answer after it', async () => {
    await withServer(10_000, async (s) => {
      const res = await fetch(`${s.redirectUri}?code=c&state=forged`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('does not match');
      const forgedError = await fetch(`${s.redirectUri}?error=access_denied&state=forged`);
      expect(forgedError.status).toBe(400);
      const real = await fetch(`${s.redirectUri}?code=the-real-code&state=good-state`);
      expect(real.status).toBe(200);
      await expect(s.code).resolves.toBe('the-real-code');
    });
  });

  it('reports access_denied from the consent screen', async () => {
    await withServer(10_000, async (s) => {
      const res = await fetch(`${s.redirectUri}?error=access_denied&state=good-state`);
      expect(res.status).toBe(400);
      await res.text();
      await expect(s.code).rejects.toThrow(
        /access was denied on the Google consent screen \(access_denied\)/,
      );
    });
  });

  it('gives up with a clear message when the browser never comes back', async () => {
    await withServer(150, async (s) => {
      await expect(s.code).rejects.toThrow(/no answer from the browser within 150 ms/);
    });
  });

  it('says which port is taken when --port is in use', async () => {
    await withServer(10_000, async (s) => {
      await expect(
        startLoopbackServer({
          account: 'a',
          redirect: { ...redirect, port: s.port, fixedPort: true },
          state: 'x',
          timeoutMs: 1000,
        }),
      ).rejects.toThrow(new RegExp(`port ${s.port} on 127.0.0.1 is in use`));
    });
  });
});
