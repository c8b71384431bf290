/**
 * Error messages, help texts and the README point to docs/: the package ships
 * every file they name, and the messages name it by a path that exists here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docPath, type DocName } from '../src/util/docs.js';

const ROOT = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every docs/ file the README links to and the sources name through docPath(). */
function pointedTo(): string[] {
  const readme = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/\]\((docs\/[^)#\s]+)/g)].map(
    (m) => m[1] ?? '',
  );
  const fromSource = sourceFiles(join(ROOT, 'src')).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/docPath\('([^']+)'\)/g)].map((m) => `docs/${m[1] ?? ''}`),
  );
  return [...new Set([...readme, ...fromSource])].sort();
}

describe('docs/ in the package', () => {
  it('npm pack ships every docs/ file the README and the messages point to', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const packed = new Set(
      (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [],
    );
    const wanted = pointedTo();
    expect(wanted).toContain('docs/google-setup.md');
    for (const doc of wanted) expect(packed, doc).toContain(doc);
  });

  it('no message in src/ names docs/ by a relative path (it would not resolve from an installed copy)', () => {
    const relative = sourceFiles(join(ROOT, 'src')).filter((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .some((line) => /['"`][^'"`]*\bdocs\/[a-z-]+\.md/.test(line) && !line.trim().startsWith('*')),
    );
    expect(relative).toEqual([]);
  });

  it('docPath names a file that exists', () => {
    for (const name of [
      'configuration.md',
      'google-setup.md',
      'monitoring.md',
      'operations.md',
      'profiles.md',
    ] as DocName[])
      expect(existsSync(docPath(name)), name).toBe(true);
  });
});
