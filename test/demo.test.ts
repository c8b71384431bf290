import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cliEnv } from './helpers/cli.js';

const demoDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('calsync-demo-'));

describe('calsync demo', () => {
  it('runs the real poll against the emulator, shows the copies following, and leaves nothing behind', async () => {
    const cli = cliEnv(undefined);
    const before = new Set(demoDirs());
    const res = await cli.run(['demo']);
    cli.cleanup();
    expect(res.code, res.stderr).toBe(0);
    for (const line of [
      /copy-birthday/,
      /copy-gmail/,
      /invite/,
      /mirror/,
      /focusTime events are personal/,
      /update-copy/,
      /update-occurrence/,
      /0 writes/,
    ]) {
      expect(res.stdout).toMatch(line);
    }
    expect(res.stdout).toMatch(/occurrence of .* is cancelled/);
    // The world is left as it was found by purge, then what to try next.
    expect(res.stdout).toMatch(/calsync purge: \d+ removed .*the shared calendar now holds 0 events/);
    expect(res.stdout).toMatch(/What to try next[\s\S]*calsync purge --dry-run/);
    expect(demoDirs().filter((d) => !before.has(d))).toEqual([]);
  });

  it('--json prints one JSON document with every poll', async () => {
    const cli = cliEnv(undefined);
    const res = await cli.run(['demo', '--json']);
    cli.cleanup();
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as {
      polls: { exitCode: number; writes: number }[];
      purge: { exitCode: number };
    };
    expect(doc.polls).toHaveLength(3);
    expect(doc.purge.exitCode).toBe(0);
    expect(doc.polls[2]?.writes).toBe(0);
  });
});
