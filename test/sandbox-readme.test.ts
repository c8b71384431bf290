/**
 * The README's "Try every command without Google" runs as written: its
 * commands are read from the README itself, so the section cannot drift.
 * The test plays the two parts a person plays: the terminals that keep
 * running (sandbox, serve-webhook) and the browser that opens each sign-in
 * URL. One change to the text: port 5000 becomes a free port (tests never
 * use fixed ports).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';

const README = join(import.meta.dirname, '..', 'README.md');

/** The shell lines of a README section's ```sh blocks, in order. */
function sectionCommands(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const rest = markdown.slice(start + 1);
  const end = rest.indexOf('\n## ', 4);
  const section = end < 0 ? rest : rest.slice(0, end);
  const lines: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g))
    lines.push(...(block[1] ?? '').split('\n').filter((l) => l.trim() !== ''));
  return lines;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

interface Run {
  child: ChildProcess;
  out: () => string;
  done: Promise<number | null>;
  /** Resolves with the first match of `re` in stdout + stderr. */
  waitFor: (re: RegExp) => Promise<RegExpExecArray>;
}

function start(script: string, env: NodeJS.ProcessEnv): Run {
  const child = spawn('bash', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const seek = () => {
    for (const w of [...waiters]) {
      const m = w.re.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => ((out += d.toString()), seek()));
  child.stderr.on('data', (d: Buffer) => ((out += d.toString()), seek()));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    child,
    out: () => out,
    done,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        seek();
        void done.then(() => reject(new Error(`exited before printing ${String(re)}:\n${out}`)));
      }),
  };
}

const home = mkdtempSync(join(tmpdir(), 'calsync-readme-'));
const background: Run[] = [];
afterAll(async () => {
  for (const run of background) {
    if (run.child.exitCode === null) run.child.kill('SIGTERM');
    await run.done;
  }
  rmSync(home, { recursive: true, force: true });
});

describe('README: Try every command without Google', () => {
  it('every command of the section works as written', async () => {
    const commands = sectionCommands(readFileSync(README, 'utf8'), 'Try every command without Google');
    expect(commands.length).toBeGreaterThan(15);
    // `calsync` on the PATH is the built binary, as after `npm link`.
    const bin = join(home, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'calsync'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'calsync'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: home, NO_COLOR: '1' };
    const port = String(await freePort());
    const exports: string[] = [];
    const outputs: { command: string; out: string }[] = [];

    for (const line of commands) {
      const keepsRunning = line.includes('# keeps running');
      const command = line.replace(/\s+#.*$/, '').replaceAll('5000', port);
      if (command.startsWith('export ')) {
        exports.push(command);
        continue;
      }
      const run = start([...exports, `exec ${command}`].join('\n'), env);
      if (keepsRunning) {
        background.push(run);
        await run.waitFor(/export CALSYNC_CONFIG_DIR=|listening on http/);
        continue;
      }
      if (/^calsync auth \S+@/.test(command)) {
        // The browser: open the printed URL; the emulator consents and redirects to calsync's loopback.
        const url = await run.waitFor(/(http:\/\/\S+\/o\/oauth2\/v2\/auth\?\S+)/);
        const page = await fetch(url[1] ?? '');
        expect(page.status, command).toBe(200);
      }
      const code = await run.done;
      expect(code, `${command}\n${run.out()}`).toBe(0);
      outputs.push({ command, out: run.out() });
    }

    // A few outcomes worth stating: a fresh sandbox syncs, then has nothing left to do; health is OK.
    const polls = outputs.filter((o) => o.command === 'calsync poll');
    expect(polls).toHaveLength(2);
    expect(polls[0]?.out).not.toMatch(/\b0 writes/);
    expect(polls[1]?.out).toMatch(/\b0 writes/);
    expect(outputs.find((o) => o.command.startsWith('calsync health-check'))?.out).toMatch(/^CALSYNC OK - /);
    expect(outputs.find((o) => o.command === 'calsync metrics')?.out).toContain('calsync_');
    // About twenty commands one after the other, each a process start: a busy machine needs more than 30 s.
  }, 120_000);
});
