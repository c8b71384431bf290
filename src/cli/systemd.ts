import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadSettings, profileDir, resolveConfigDir, resolveConfigRoot } from '../config/index.js';
import { UsageError } from '../errors.js';
import { planInstall, writePlan, type InstallPlan } from '../systemd/install.js';
import { DEFAULT_WEBHOOK_PORT, type InstallMode } from '../systemd/render.js';
import { systemConfigDir } from '../systemd/paths.js';
import type { UninstallPlan } from '../systemd/uninstall.js';
import { docPath } from '../util/docs.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';

interface InstallFlags {
  user?: boolean;
  system?: boolean;
  dryRun?: boolean;
  webhookPort?: number;
}

const profilesHelp = (): string =>
  [
    '',
    'With --profile <name> (or CALSYNC_PROFILE): the instance units of that profile',
    "(calsync-poll@<name>.timer and friends, from templates calsync-poll@.timer…, each with the profile's",
    "interval in a drop-in), beside the default units; uninstall removes only that profile's instances,",
    'and the templates once no other profile has one.',
    `Profiles: ${docPath('profiles.md')}`,
  ].join('\n');

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65_535)
    throw new InvalidArgumentError('a port is a number from 1 to 65535');
  return n;
}

export function registerSystemd(program: Command): void {
  const systemd = program
    .command('systemd')
    .description('systemd units: timers for poll, clean, watch and health-check, and the webhook server');
  systemd
    .command('install')
    .description(
      'write the units with this node and calsync, and the configured poll interval; print the systemctl commands to run',
    )
    .option('--user', 'user units in $XDG_CONFIG_HOME/systemd/user (default)')
    .option('--system', 'system units in /etc/systemd/system, run as the invoking user (run with sudo)')
    .option('--dry-run', 'print the units and commands; write nothing')
    .option(
      '--webhook-port <port>',
      `the port the webhook server listens on (default ${DEFAULT_WEBHOOK_PORT}; each profile with a webhook URL needs its own)`,
      parsePort,
    )
    .addHelpText('after', profilesHelp())
    .action(async (flags: InstallFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      if (flags.user && flags.system) throw new UsageError('--user and --system exclude each other');
      const mode: InstallMode = flags.system ? 'system' : 'user';
      const loaded = loadSettings({ env: process.env });
      applyLogLevel(g, loaded.settings.logLevel);
      const profile = resolveConfigDir().profile?.name;
      const configured = resolveConfigRoot();
      // The config root; a profile's dir is in it. Under sudo, the invoking user's, not root's.
      const root =
        mode === 'system' ? systemConfigDir(configured.dir, configured.source !== 'default') : configured.dir;
      const configDir = profile === undefined ? root : profileDir(root, profile);
      // Under sudo the units run as the invoking user: their config.json, not root's, says the interval and the webhook.
      const settings =
        configDir === loaded.settings.configDir
          ? loaded.settings
          : loadSettings({ flags: { configDir }, env: process.env }).settings;
      const webhook = Boolean(settings.webhookUrl);
      if (profile !== undefined && webhook && flags.webhookPort === undefined)
        throw new UsageError(
          `systemd install: profile ${profile} has a webhook URL, and its webhook server needs a port of its own`,
          {
            hint: `add --webhook-port <port> (the default units' server listens on ${DEFAULT_WEBHOOK_PORT}), and point ${settings.webhookUrl ?? ''}'s proxy or tunnel at it`,
          },
        );
      const plan = await planInstall({
        mode,
        configDir: root,
        pollIntervalMinutes: settings.pollIntervalMinutes,
        webhook,
        ...(flags.webhookPort !== undefined ? { webhookPort: flags.webhookPort } : {}),
        ...(profile !== undefined ? { profile } : {}),
      });
      const dryRun = flags.dryRun === true;
      if (!dryRun) await writePlan(plan);
      if (g.json) printJson({ dryRun, ...plan });
      else process.stdout.write(dryRun ? renderDryRun(plan) : renderInstalled(plan));
    });
  registerUninstall(systemd);
}

function registerUninstall(systemd: Command): void {
  systemd
    .command('uninstall')
    .description(
      'disable and remove exactly the units systemd install wrote; print the systemctl commands that stop them and reload systemd',
    )
    .option('--user', 'user units in $XDG_CONFIG_HOME/systemd/user (default)')
    .option('--system', 'system units in /etc/systemd/system (run with sudo)')
    .option('--dry-run', 'print what would be removed; remove nothing')
    .addHelpText('after', profilesHelp())
    .action(async (flags: InstallFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      if (flags.user && flags.system) throw new UsageError('--user and --system exclude each other');
      const mode: InstallMode = flags.system ? 'system' : 'user';
      const profile = resolveConfigDir().profile?.name;
      const { planUninstall, carryOutUninstall } = await import('../systemd/uninstall.js');
      const plan = await planUninstall({ mode, ...(profile !== undefined ? { profile } : {}) });
      const dryRun = flags.dryRun === true;
      if (!dryRun) await carryOutUninstall(plan);
      if (g.json) printJson({ dryRun, ...plan });
      else process.stdout.write(renderUninstall(plan, dryRun));
    });
}

function renderUninstall(plan: UninstallPlan, dryRun: boolean): string {
  const lines: string[] = [];
  const whose = plan.profile === undefined ? '' : ` of profile ${plan.profile}`;
  if (plan.units.length === 0 && plan.links.length === 0)
    lines.push(`no calsync ${plan.mode} units${whose} in ${plan.dir}: nothing to do`);
  else {
    const verb = dryRun ? 'would remove' : 'removed';
    if (dryRun) lines.push('# dry run: nothing removed.');
    if (plan.links.length)
      lines.push(`${dryRun ? 'would disable' : 'disabled'} (removed the links): ${plan.links.join(' ')}`);
    lines.push(
      `${verb} ${plan.units.length} ${plan.mode} units${whose} from ${plan.dir}: ${plan.units.map((u) => unitLabel(plan.dir, u)).join(', ')}`,
    );
  }
  if (plan.otherProfiles?.length)
    lines.push(
      `kept the templates (calsync-poll@.service…): profile${plan.otherProfiles.length > 1 ? 's' : ''} ${plan.otherProfiles.join(', ')} still use${plan.otherProfiles.length > 1 ? '' : 's'} them`,
    );
  for (const f of plan.foreign) lines.push(`left alone (not written by calsync systemd install): ${f}`);
  if (plan.commands.length)
    lines.push(dryRun ? 'then run:' : 'now run:', ...plan.commands.map((c) => `  ${c}`));
  return lines.join('\n') + '\n';
}

/** A unit file, or a drop-in with its directory (`calsync-poll@club.timer.d/calsync-profile.conf`). */
function unitLabel(dir: string, path: string): string {
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : basename(path);
}

function renderDryRun(plan: InstallPlan): string {
  const units = plan.units
    .map((u) => `# ---- ${u.path}\n${u.content.endsWith('\n') ? u.content : u.content + '\n'}`)
    .join('\n');
  const whose = plan.profile === undefined ? '' : ` (profile ${plan.profile}: templates and its drop-ins)`;
  return [
    `# dry run: nothing written. ${plan.units.length} ${plan.mode} units${whose} for ${plan.dir}:`,
    '',
    units,
    ...watchNote(plan).map((l) => `# ${l}`),
    `# directories to create (mode 700): ${plan.directories.join(' ')}`,
    '# then run:',
    ...plan.commands,
    '',
  ].join('\n');
}

function renderInstalled(plan: InstallPlan): string {
  return [
    `wrote ${plan.units.length} ${plan.mode} units${plan.profile === undefined ? '' : ` of profile ${plan.profile}`} to ${plan.dir}: ${plan.units.map((u) => u.name).join(', ')}`,
    ...watchNote(plan),
    `secrets go in ${plan.directories[1] ?? ''}/ (one file per secret, mode 600, e.g. SENDGRID_API_KEY)`,
    'now run:',
    ...plan.commands.map((c) => `  ${c}`),
    '',
  ].join('\n');
}

/** Why the watch timer is not among the enabled units, and how to get it. */
function watchNote(plan: InstallPlan): string[] {
  if (plan.commands.some((c) => /calsync-watch(@[^.]+)?\.timer/.test(c))) return [];
  const p = plan.profile === undefined ? '' : `--profile ${plan.profile} `;
  const timer = plan.profile === undefined ? 'calsync-watch.timer' : `calsync-watch@${plan.profile}.timer`;
  return [
    `${timer} is not enabled: no webhook URL is set (polls still run on their timer).`,
    `For push notifications: calsync ${p}config set webhookUrl https://<your host>/webhook, then calsync ${p}systemd install again.`,
  ];
}
