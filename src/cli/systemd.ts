import { basename } from 'node:path';
import type { Command } from 'commander';
import { loadSettings } from '../config/index.js';
import { UsageError } from '../errors.js';
import { planInstall, writePlan, type InstallPlan } from '../systemd/install.js';
import type { InstallMode } from '../systemd/render.js';
import { systemConfigDir } from '../systemd/paths.js';
import type { UninstallPlan } from '../systemd/uninstall.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';

interface InstallFlags {
  user?: boolean;
  system?: boolean;
  dryRun?: boolean;
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
    .action(async (flags: InstallFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      if (flags.user && flags.system) throw new UsageError('--user and --system exclude each other');
      const mode: InstallMode = flags.system ? 'system' : 'user';
      const loaded = loadSettings({ env: process.env });
      applyLogLevel(g, loaded.settings.logLevel);
      const configDir =
        mode === 'system'
          ? systemConfigDir(loaded.settings.configDir, loaded.sources.configDir !== 'default')
          : loaded.settings.configDir;
      // Under sudo the units run as the invoking user: their config.json, not root's, says the interval and the webhook.
      const settings =
        configDir === loaded.settings.configDir
          ? loaded.settings
          : loadSettings({ env: { ...process.env, CALSYNC_CONFIG_DIR: configDir } }).settings;
      const plan = await planInstall({
        mode,
        configDir,
        pollIntervalMinutes: settings.pollIntervalMinutes,
        webhook: Boolean(settings.webhookUrl),
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
    .action(async (flags: InstallFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      if (flags.user && flags.system) throw new UsageError('--user and --system exclude each other');
      const mode: InstallMode = flags.system ? 'system' : 'user';
      const { planUninstall, carryOutUninstall } = await import('../systemd/uninstall.js');
      const plan = await planUninstall({ mode });
      const dryRun = flags.dryRun === true;
      if (!dryRun) await carryOutUninstall(plan);
      if (g.json) printJson({ dryRun, ...plan });
      else process.stdout.write(renderUninstall(plan, dryRun));
    });
}

function renderUninstall(plan: UninstallPlan, dryRun: boolean): string {
  const lines: string[] = [];
  if (plan.units.length === 0 && plan.links.length === 0)
    lines.push(`no calsync ${plan.mode} units in ${plan.dir}: nothing to do`);
  else {
    const verb = dryRun ? 'would remove' : 'removed';
    if (dryRun) lines.push('# dry run: nothing removed.');
    if (plan.links.length)
      lines.push(`${dryRun ? 'would disable' : 'disabled'} (removed the links): ${plan.links.join(' ')}`);
    lines.push(
      `${verb} ${plan.units.length} ${plan.mode} units from ${plan.dir}: ${plan.units.map((u) => basename(u)).join(', ')}`,
    );
  }
  for (const f of plan.foreign) lines.push(`left alone (not written by calsync systemd install): ${f}`);
  if (plan.commands.length)
    lines.push(dryRun ? 'then run:' : 'now run:', ...plan.commands.map((c) => `  ${c}`));
  return lines.join('\n') + '\n';
}

function renderDryRun(plan: InstallPlan): string {
  const units = plan.units
    .map((u) => `# ---- ${u.path}\n${u.content.endsWith('\n') ? u.content : u.content + '\n'}`)
    .join('\n');
  return [
    `# dry run: nothing written. ${plan.units.length} ${plan.mode} units for ${plan.dir}:`,
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
    `wrote ${plan.units.length} ${plan.mode} units to ${plan.dir}: ${plan.units.map((u) => u.name).join(', ')}`,
    ...watchNote(plan),
    `secrets go in ${plan.directories[1] ?? ''}/ (one file per secret, mode 600, e.g. SENDGRID_API_KEY)`,
    'now run:',
    ...plan.commands.map((c) => `  ${c}`),
    '',
  ].join('\n');
}

/** Why the watch timer is not among the enabled units, and how to get it. */
function watchNote(plan: InstallPlan): string[] {
  if (plan.commands.some((c) => c.includes('calsync-watch.timer'))) return [];
  return [
    'calsync-watch.timer is not enabled: no webhook URL is set (polls still run on their timer).',
    'For push notifications: calsync config set webhookUrl https://<your host>/webhook, then calsync systemd install again.',
  ];
}
