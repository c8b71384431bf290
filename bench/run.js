/* global console, process */
// `npm run bench`: every benchmark of the project, one after the other, each
// printing its figures and the ratios measured side by side in the same run.
// Nothing is asserted: these machines are shared and noisy; read the figures
// with the load average printed here.
import { loadavg } from 'node:os';

const only = process.argv.slice(2);
const suites = [
  ['startup', () => import('./startup.mjs')],
  ['state', () => import('./state.mjs')],
  ['poll', () => import('./poll.mjs')],
  ['webhook', () => import('./webhook.mjs')],
  ['unreachable', () => import('./unreachable.mjs')],
  ['stop', () => import('./stop.mjs')],
];

console.log(
  `calsync benchmarks, node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const [name, load] of suites) {
  if (only.length && !only.includes(name)) continue;
  const mod = await load();
  await mod.run();
}
console.log(
  `done, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
