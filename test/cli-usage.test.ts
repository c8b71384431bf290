/**
 * The CLI's usage surface as a newcomer meets it: typos get a suggestion,
 * every --help lists the global options, hints name commands that work.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.js';
import { freshDirCli } from './helpers/fresh-dir-cli.js';

const cli = freshDirCli('calsync-usage-');
const { calsync } = cli;

describe('typos get a "did you mean"', () => {
  it('an unknown command, on one line, exit 2', () => {
    const r = calsync(['pol']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("calsync: unknown command 'pol'; did you mean poll? (see 'calsync --help')\n");
  });

  it('an unknown option of a command, and an unknown subcommand', () => {
    const option = calsync(['poll', '--dry-rn']);
    expect(option.status).toBe(2);
    expect(option.stderr).toContain("unknown option '--dry-rn'; did you mean --dry-run?");
    expect(calsync(['config', 'sho']).stderr).toContain("unknown command 'sho'; did you mean show?");
  });
});

describe('--help', () => {
  it("every command's help lists the global options", async () => {
    const commands = (await buildProgram()).commands.flatMap((c) => [c, ...c.commands]);
    expect(commands.length).toBeGreaterThan(10);
    for (const cmd of commands) {
      const help = cmd.helpInformation();
      expect(help, cmd.name()).toContain('Global Options:');
      for (const flag of ['--json', '--verbose', '--quiet', '--no-color'])
        expect(help, cmd.name()).toContain(flag);
    }
  });
});

describe('hints name commands that work', () => {
  it('a poll without source calendars says the config set command, and that command works', () => {
    const r = calsync(['poll']);
    expect(r.status).toBe(2);
    const hint = /run: (calsync config set sourceCalendars \S+)/.exec(r.stderr)?.[1];
    expect(hint).toBeDefined();
    const args = (hint ?? '').split(' ').slice(1);
    expect(calsync(args).status).toBe(0);
    expect(calsync(['config', 'get', 'sourceCalendars']).stdout).toBe('you@gmail.com,partner@gmail.com\n');
  });

  it('no hint in src/ tells the user to set a CALSYNC_ variable that config set can set', () => {
    // Timers do not see shell variables (README): a hint must name `calsync config set`.
    const offenders: string[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts'))
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (
                /set CALSYNC_(SOURCE_CALENDARS|INVITE_EMAIL|WEBHOOK_URL|ALERT_FROM|ALERT_TO|POLL_INTERVAL)/.test(
                  line,
                )
              )
                offenders.push(`${path}:${i + 1}`);
            });
      }
    };
    walk(join(import.meta.dirname, '..', 'src'));
    expect(offenders).toEqual([]);
  });
});
