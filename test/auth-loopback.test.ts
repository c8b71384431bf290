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
      const page = fetch(`${s.redirectUri}?code=the-code&state=good-state&scope=x`);
      await expect(s.code).resolves.toBe('the-code');
      // The browser's page waits for the sign-in's outcome, and shows it.
      s.answer({ status: 200, title: 'Signed in', text: 'You can close this tab.' });
      const res = await page;
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('You can close this tab');
    });
  });

  it('ignores unrelated paths like /favicon.ico and keeps waiting', async () => {
    await withServer(10_000, async (s) => {
      const res = await fetch(`http://127.0.0.1:${s.port}/favicon.ico`);
      expect(res.status).toBe(404);
      await res.text();
      const ok = fetch(`${s.redirectUri}?code=c2&state=good-state`);
      await expect(s.code).resolves.toBe('c2');
      s.answer({ status: 200, title: 'Signed in', text: 'ok' });
      await (await ok).text();
    });
  });

  it('refuses a state that does not match, telling the browser why, and still takes the real answer after it', async () => {
    await withServer(10_000, async (s) => {
      const res = await fetch(`${s.redirectUri}?code=c&state=forged`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('does not match');
      const forgedError = await fetch(`${s.redirectUri}?error=access_denied&state=forged`);
      expect(forgedError.status).toBe(400);
      const real = fetch(`${s.redirectUri}?code=the-real-code&state=good-state`);
      await expect(s.code).resolves.toBe('the-real-code');
      s.answer({ status: 200, title: 'Signed in', text: 'ok' });
      expect((await real).status).toBe(200);
    });
  });

  it('a browser still waiting when the server closes is told to look at the terminal', async () => {
    const server = await startLoopbackServer({
      account: 'a@example.com',
      redirect,
      state: 'good-state',
      timeoutMs: 10_000,
    });
    const page = fetch(`${server.redirectUri}?code=c3&state=good-state`);
    await expect(server.code).resolves.toBe('c3');
    await server.close();
    const res = await page;
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('Look at the terminal');
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
