/* global console, process */
// Bundles tsc's dist/cli into dist/bundle, which bin/calsync.js runs. Node 20
// spends about half a millisecond on each ES module it loads, and an idle
// poll loaded about 80: the bundle puts everything an idle poll runs into one
// chunk, and every other command's code into chunks loaded when it runs.
// Packages stay outside (node_modules), loaded as before.
import { readdirSync, rmSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist');
const out = resolve(dist, 'bundle');

const INLINED_PACKAGES = ['p-retry', 'is-network-error'];
const ENTRY = resolve(dist, 'cli/main.js');
// What a timer's `calsync poll` loads after the entry when it finds nothing:
// the poll command, and what it imports when it runs (cli/poll.ts). Their
// static imports join them; what the entry itself imports stays in main.js,
// which every command loads (calsync --version too).
const IDLE_POLL_ROOTS = ['cli/poll.js', 'config/index.js', 'sync/poll.js', 'cli/poll-output.js'].map((f) =>
  resolve(dist, f),
);

/** The modules reached from the roots by static imports alone. */
function staticClosure(ctx, roots) {
  const seen = new Set();
  const todo = [...roots];
  while (todo.length > 0) {
    const id = todo.pop();
    if (seen.has(id)) continue;
    const info = ctx.getModuleInfo(id);
    if (!info) throw new Error(`bundle: ${relative(root, id)} is not in the module graph`);
    seen.add(id);
    todo.push(...info.importedIds.filter((i) => !ctx.getModuleInfo(i)?.isExternal));
  }
  return seen;
}

const startUp = new Set();
const idlePoll = new Set();
const started = Date.now();
// Written over the last build, not after removing it: a poll that starts
// meanwhile finds a whole bundle. What the last build had and this one has
// not (chunk names carry a hash) is removed afterwards.
const written = await build({
  input: { main: ENTRY },
  platform: 'node',
  // Packages, and node's own modules, are loaded from where they are installed,
  // but for the two small ones every poll runs: each package costs node a walk
  // through package.json files to find its entry.
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !INLINED_PACKAGES.includes(id),
  plugins: [
    {
      name: 'idle-poll-set',
      buildEnd() {
        for (const id of staticClosure(this, [ENTRY])) startUp.add(id);
        for (const id of staticClosure(this, IDLE_POLL_ROOTS)) if (!startUp.has(id)) idlePoll.add(id);
      },
    },
  ],
  output: {
    dir: out,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    // A group takes its modules' imports along: the start-up group goes first,
    // so what every command loads is not pulled into the idle poll's chunk.
    codeSplitting: {
      groups: [
        { name: 'start-up', test: (id) => startUp.has(id), priority: 2 },
        { name: 'idle-poll', test: (id) => idlePoll.has(id), priority: 1 },
      ],
    },
  },
  // config/index.js is imported both ways on purpose: statically where a
  // command always needs it, dynamically where only some runs do.
  onLog(level, log, handler) {
    if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') handler(level, log);
  },
});
const current = new Set(written.output.map((file) => file.fileName));
for (const name of readdirSync(out)) if (!current.has(name)) rmSync(resolve(out, name), { recursive: true });
console.log(
  `bundle: dist/bundle in ${Date.now() - started} ms (${idlePoll.size} modules in the idle-poll chunk)`,
);
if (idlePoll.size === 0) process.exit(1);
