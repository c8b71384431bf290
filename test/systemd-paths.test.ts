import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { passwdEntry, systemConfigDir } from '../src/systemd/paths.js';

describe('system units installed through sudo', () => {
  it("reads the invoking user's uid, gid and home from a passwd file", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'calsync-passwd-')), 'passwd');
    writeFileSync(file, 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n');
    expect(passwdEntry('alice', file)).toEqual({ uid: 1000, gid: 1000, home: '/home/alice' });
    expect(passwdEntry('nobody-here', file)).toBeUndefined();
  });

  it('keeps an explicit CALSYNC_CONFIG_DIR, and without sudo the configured dir', () => {
    expect(
      systemConfigDir('/srv/calsync', true, { CALSYNC_CONFIG_DIR: '/srv/calsync', SUDO_USER: 'root' }),
    ).toBe('/srv/calsync');
    expect(systemConfigDir('/home/me/.config/calsync', false, {})).toBe('/home/me/.config/calsync');
  });

  it("uses the sudo user's own config dir, not root's", () => {
    // root is in every /etc/passwd; its home stands in for any invoking user's.
    expect(
      systemConfigDir('/elsewhere/.config/calsync', false, { SUDO_USER: 'root', HOME: '/elsewhere' }),
    ).toBe(join(passwdEntry('root')?.home ?? '', '.config', 'calsync'));
  });
});
