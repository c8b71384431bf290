/**
 * The npm tarball, as a user gets it: `npm pack`, then `npm install -g` of the
 * tarball into a temporary prefix with an empty cache (so every dependency
 * comes from the registry, none from this checkout), then calsync run from a
 * directory outside the checkout. It holds what runs and what users read, and
 * installs silently: no lifecycle script to allow, on npm 11 (this machine's)
 * and npm 10 (`npx npm@10`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
/** The packed size past which the test fails: the bundle and docs are about a third of it. */
const BUDGET_BYTES = 500 * 1024;
/** What the tarball may hold, by its first path segment (package.json is always there). */
const ALLOWED_TOP = ['bin', 'dist', 'systemd', 'docs', 'README.md', 'LICENSE', 'package.json'];

const work = mkdtempSync(join(tmpdir(), 'calsync-package-'));
let tarball = '';
let files: string[] = [];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Run {
  const r = spawnSync(cmd, args, { ...opts, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Installs the tarball into a fresh prefix with a fresh cache; npm is `npm` or `npx -y npm@10`. */
function installInto(name: string, npm: string[]): { prefix: string; out: Run } {
  const prefix = join(work, name);
  const cache = join(work, `${name}-cache`);
  mkdirSync(prefix);
  const [cmd = 'npm', ...pre] = npm;
  const out = run(cmd, [...pre, 'install', '-g', '--prefix', prefix, '--cache', cache, tarball], {
    cwd: work,
    env: { ...process.env, npm_config_loglevel: 'warn', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  return { prefix, out };
}

beforeAll(() => {
  // Packing runs `prepack` (the build): the tarball is made from this checkout's sources.
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info?.filename ?? '');
  files = info?.files.map((f) => f.path) ?? [];
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm tarball', () => {
  it('holds the launcher, the bundle, the units, the docs, README and LICENSE, within the size budget', () => {
    const size = statSync(tarball).size;
    process.stdout.write(`calsync-${version}.tgz: ${size} bytes packed, ${files.length} files\n`);
    expect(size).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(files).toContain('bin/calsync.js');
    expect(files).toContain('dist/bundle/main.js');
    expect(files).toContain('systemd/calsync-webhook.service');
    expect(files).toContain('docs/operations.md');
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
    const unexpected = files.filter(
      (f) =>
        !ALLOWED_TOP.includes(f.split('/')[0] ?? '') ||
        (f.startsWith('dist/') && !f.startsWith('dist/bundle/')) ||
        /\.(map|ts|mts|cts)$/.test(f),
    );
    expect(unexpected, 'tests, sources, maps or tsc output in the tarball').toEqual([]);
  });

  it('declares no script npm would run on install', () => {
    const pkg = JSON.parse(
      execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' }),
    ) as {
      scripts?: Record<string, string>;
    };
    const installScripts = ['preinstall', 'install', 'postinstall', 'prepare'].filter(
      (s) => pkg.scripts?.[s],
    );
    expect(installScripts).toEqual([]);
  });

  for (const [label, npm] of [
    ['npm (this machine: 11)', ['npm']],
    ['npm 10', ['npx', '-y', 'npm@10']],
  ] as const) {
    it(`${label}: npm install -g of the tarball prints no warning, and calsync runs from outside the checkout`, () => {
      const { prefix, out } = installInto(label.startsWith('npm 10') ? 'npm10' : 'npm11', [...npm]);
      expect(out.status, out.stderr).toBe(0);
      expect(`${out.stdout}\n${out.stderr}`).not.toMatch(/warn|install-scripts|allow-scripts/i);

      const calsync = join(prefix, 'bin', 'calsync');
      const installed = join(prefix, 'lib', 'node_modules', 'calsync');
      // Only what the tarball holds was installed: no tsc output beside the bundle.
      expect(() => statSync(join(installed, 'dist', 'cli'))).toThrow();
      const home = join(work, `${label.replace(/\W+/g, '-')}-home`);
      mkdirSync(home);
      const env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`, HOME: home, NO_COLOR: '1' };

      const v = run(calsync, ['--version'], { cwd: home, env });
      expect(v.status, v.stderr).toBe(0);
      expect(v.stdout.trim()).toBe(version);

      const demo = run(calsync, ['demo'], { cwd: home, env });
      expect(demo.status, demo.stderr).toBe(0);
      expect(demo.stdout).toMatch(/First poll/);
      expect(demo.stdout).toMatch(/calsync purge: \d+ removed/);
      // Its pointer to the docs names the installed copy, which exists.
      const doc = /What to try next, against your own Google account \((\S+)\)/.exec(demo.stdout)?.[1] ?? '';
      expect(doc.startsWith(installed)).toBe(true);
      expect(statSync(doc).isFile()).toBe(true);

      const sandbox = run(calsync, ['sandbox', '--help'], { cwd: home, env });
      expect(sandbox.status, sandbox.stderr).toBe(0);

      const units = run(calsync, ['systemd', 'install', '--user', '--dry-run'], { cwd: home, env });
      expect(units.status, units.stderr).toBe(0);
      const execStarts = units.stdout.split('\n').filter((l) => l.startsWith('ExecStart='));
      expect(execStarts.length).toBeGreaterThanOrEqual(4);
      for (const line of execStarts) {
        expect(line).toContain(`${installed}/bin/calsync.js`);
        expect(line).not.toContain(ROOT);
      }
    });
  }
});
