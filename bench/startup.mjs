/* global console, process */
// Cold start of the CLI (`calsync --version`) against `node -e 0`, run
// alternately so both see the same machine load, both in the environment a
// systemd unit gives (systemdEnv), so the baseline is not diluted.
import { pathToFileURL } from 'node:url';
import { BIN, describeCleanEnv, fmt, median, systemdEnv, timed } from './lib.mjs';

export async function run({ runs = 15 } = {}) {
  console.log('== cli start-up ==');
  console.log(describeCleanEnv());
  const env = systemdEnv();
  const bare = [];
  const version = [];
  const help = [];
  for (let i = 0; i < runs; i++) {
    bare.push((await timed(process.execPath, ['-e', '0'], env)).ms);
    version.push((await timed(process.execPath, [BIN, '--version'], env)).ms);
    help.push((await timed(process.execPath, [BIN, 'poll', '--help'], env)).ms);
  }
  const b = median(bare);
  console.log(
    `node -e 0 ${fmt(b, 0)} ms; calsync --version ${fmt(median(version), 0)} ms, ratio ${fmt(median(version) / b, 2)} (goal <= 2.5); calsync poll --help ${fmt(median(help), 0)} ms, ratio ${fmt(median(help) / b, 2)}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
