/* global console, process, URL, setTimeout, setInterval, clearInterval, clearTimeout */
// Benchmark of `calsync serve-webhook` against the in-process emulator with
// real push delivery (needs a build first: `npm run build`). Prints figures,
// asserts nothing. Run directly, or call run() from bench/run.js.
//
// 1. Latency from a change in the calendar to the change applied by calsync
//    (notification → poll → invite added), p50/p99 over 200 changes, one at
//    a time: the emulator pushes, the server polls, the poll patches.
// 2. 5,000 forged notifications (known channel id, wrong token) as fast as
//    one local client with 64 sockets can send them, plus 500 for unknown
//    channel ids: server RSS before/after, polls caused (must be 0), and
//    /health still answering.
// 3. /health p50/p99 at rest, then during a bounded slowloris on loopback
//    (600 sockets from 127.0.0.1, more than the 512 connection slots, each
//    sending one header byte a second, for 8 s), side by side, with the
//    requests that failed. `node bench/webhook.mjs slowloris` runs only this.
// 4. RSS against a bare node:http server in the same run, both started in
//    the environment calsync-webhook.service gives (systemd's, plus its
//    NODE_OPTIONS): idle, and after the same flood.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadSettings } from '../dist/config/index.js';
import { startEmulator } from '../dist/emulator/index.js';
import { runWatch } from '../dist/push/watch.js';
import { readState } from '../dist/state/index.js';
import { systemdEnv, unitNodeOptions } from './lib.mjs';

const CHANGES = 200;
const FORGED = 5_000;
const UNKNOWN = 500;
const CONCURRENCY = 64;
const SLOW_CLIENTS = 600;
const SLOW_SECONDS = 8;
const HEALTH_SAMPLES = 100;
const BIN = new URL('../bin/calsync.js', import.meta.url).pathname;
const CAL = 'bench-source@example.com';
const SHARED = 'bench-shared@example.com';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Resident set size of a process in MiB (Linux /proc), or undefined elsewhere. */
function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number((Number(m[1]) / 1024).toFixed(1)) : undefined;
  } catch {
    return undefined;
  }
}

function httpCall(url, { method = 'GET', headers = {}, agent } = {}) {
  return new Promise((resolve) => {
    const req = request(url, { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

function waitFor(check, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (performance.now() > deadline) reject(new Error('timed out'));
      else setTimeout(tick, 1);
    };
    tick();
  });
}

/** The least a webhook receiver can be: node:http answering 200 to everything. */
// What the unit adds to systemd's environment for node (a V8 heap setting): both servers get it.
const NODE_OPTIONS = unitNodeOptions('calsync-webhook.service');
const UNIT_NODE_OPTIONS = NODE_OPTIONS ? { NODE_OPTIONS } : {};
const BARE_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('ok')); }).listen(Number(process.argv[1]), '127.0.0.1', () => process.stderr.write('listening on http://127.0.0.1:' + process.argv[1] + '\\n'));`;

function startBareServer(port) {
  return startProcess([process.execPath, '-e', BARE_SERVER, String(port)], systemdEnv(UNIT_NODE_OPTIONS));
}

function startServer(env, port) {
  return startProcess([process.execPath, BIN, 'serve-webhook', '--port', String(port)], env);
}

function startProcess([cmd, ...args], env) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${stderr}`)));
  });
}

async function stopProcess(child) {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('close', resolve));
}

/** A bare node:http server's RSS idle and after the same flood the calsync server gets. */
async function bareServerRss() {
  const port = await freePort();
  const bare = await startBareServer(port);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = rssMiB(bare.child.pid);
    const headers = {
      'X-Goog-Channel-ID': 'x',
      'X-Goog-Channel-Token': 'forged',
      'X-Goog-Resource-State': 'exists',
    };
    await flood(bare.url, () => headers, FORGED);
    await flood(bare.url, () => headers, UNKNOWN);
    return { idle, after: rssMiB(bare.child.pid) };
  } finally {
    await stopProcess(bare.child);
  }
}

/** Waits until the emulator has seen no request for half a second. */
async function quiet(emu) {
  for (;;) {
    await emu.settleDeliveries();
    const seen = emu.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (emu.requests.length === seen) return;
  }
}

function invited(emu, id) {
  return (emu.getEvent(CAL, id)?.attendees ?? []).some((a) => a.email === SHARED);
}

async function measureLatency(emu) {
  const latencies = [];
  const start = Date.now() + 86_400_000;
  for (let i = 0; i < CHANGES; i++) {
    const begin = new Date(start + i * 3_600_000);
    const t0 = performance.now();
    const event = emu.seedEvent(CAL, {
      summary: `bench ${i}`,
      start: { dateTime: begin.toISOString() },
      end: { dateTime: new Date(begin.getTime() + 1_800_000).toISOString() },
    });
    await waitFor(() => invited(emu, event.id), 30_000);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  return {
    changes: CHANGES,
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    maxMs: Number(latencies[latencies.length - 1].toFixed(1)),
  };
}

async function flood(url, headersFor, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses = {};
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const status = await httpCall(`${url}/webhook`, { method: 'POST', headers: headersFor(i), agent });
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return {
    requests: count,
    seconds: Number(seconds.toFixed(2)),
    perSecond: Math.round(count / seconds),
    statuses,
  };
}

/** Sequential /health requests: latency percentiles and how many did not answer 200. */
async function healthLatency(url, samples) {
  const ms = [];
  let failed = 0;
  const outcomes = {};
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const status = await httpCall(`${url}/health`, { agent: false });
    ms.push(performance.now() - t0);
    if (status !== 200) {
      failed++;
      outcomes[status] = (outcomes[status] ?? 0) + 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  ms.sort((a, b) => a - b);
  return {
    samples,
    failed,
    outcomes,
    p50Ms: Number(percentile(ms, 50).toFixed(1)),
    p99Ms: Number(percentile(ms, 99).toFixed(1)),
  };
}

/** SLOW_CLIENTS sockets dribbling one header byte a second, reconnecting when cut; stops by itself. */
function slowloris(url) {
  const { port, hostname } = new URL(url);
  const sockets = new Set();
  let stopped = false;
  let connects = 0;
  const open = () => {
    if (stopped) return;
    connects++;
    const socket = connect({ port: Number(port), host: hostname });
    sockets.add(socket);
    const timer = setInterval(() => socket.writable && socket.write(connects % 2 ? 'G' : 'X'), 1000);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
      open();
    });
  };
  for (let i = 0; i < SLOW_CLIENTS; i++) open();
  const stop = () => {
    stopped = true;
    for (const s of sockets) s.destroy();
  };
  const bound = setTimeout(stop, SLOW_SECONDS * 1000);
  return {
    connects: () => connects,
    stop: () => {
      clearTimeout(bound);
      stop();
    },
  };
}

async function measureSlowFlood(url) {
  const rest = await healthLatency(url, HEALTH_SAMPLES);
  const flood = slowloris(url);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const during = await healthLatency(url, HEALTH_SAMPLES);
  const connects = flood.connects();
  flood.stop();
  const result = {
    clients: SLOW_CLIENTS,
    connects,
    rest,
    during,
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
  console.log(
    `webhook: /health p99 at rest ${rest.p99Ms} ms (p50 ${rest.p50Ms}), during a slowloris of ${SLOW_CLIENTS} sockets ` +
      `(${connects} connects in ≤ ${SLOW_SECONDS} s) ${during.p99Ms} ms (p50 ${during.p50Ms}), ratio ${(during.p99Ms / rest.p99Ms).toFixed(1)}×; ` +
      `failed ${rest.failed}/${rest.samples} at rest ${JSON.stringify(rest.outcomes)}, ${during.failed}/${during.samples} during ${JSON.stringify(during.outcomes)} (load average ${result.loadAverage})`,
  );
  return result;
}

export async function run(parts = ['latency', 'flood', 'slowloris']) {
  const dir = mkdtempSync(join(tmpdir(), 'calsync-bench-webhook-'));
  const emu = await startEmulator({ quotaPerMinute: null });
  let server;
  try {
    emu.addAccount(CAL);
    emu.addAccount(SHARED);
    mkdirSync(join(dir, 'tokens'), { recursive: true, mode: 0o700 });
    for (const account of [CAL, SHARED])
      writeFileSync(join(dir, 'tokens', `${account}.json`), JSON.stringify(emu.authorizedUser(account)), {
        mode: 0o600,
      });
    const port = await freePort();
    // What calsync-webhook.service gives (systemd's variables and its NODE_OPTIONS), plus calsync's settings.
    const env = systemdEnv({
      ...UNIT_NODE_OPTIONS,
      HOME: dir,
      CALSYNC_CONFIG_DIR: dir,
      CALSYNC_SOURCE_CALENDARS: CAL,
      CALSYNC_INVITE_EMAIL: SHARED,
      CALSYNC_GOOGLE_API_ROOT: `${emu.url}/`,
      CALSYNC_GOOGLE_TOKEN_URL: `${emu.url}/token`,
      CALSYNC_WEBHOOK_URL: `http://127.0.0.1:${port}`,
    });
    const { settings } = loadSettings({ env });
    const watch = await runWatch({ settings });
    if (watch.exitCode !== 0) throw new Error(`watch failed: ${JSON.stringify(watch)}`);
    server = await startServer(env, port);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rssIdle = rssMiB(server.child.pid);
    // Warm up: the first poll is a full listing; later ones are incremental.
    const warm = emu.seedEvent(CAL, {
      summary: 'warm-up',
      start: { dateTime: new Date(Date.now() + 3_600_000).toISOString() },
      end: { dateTime: new Date(Date.now() + 5_400_000).toISOString() },
    });
    await waitFor(() => invited(emu, warm.id), 30_000);
    if (!parts.includes('latency')) {
      await quiet(emu);
      return { slowFlood: await measureSlowFlood(server.url) };
    }

    const latency = await measureLatency(emu);
    console.log(
      `webhook: change → applied over ${latency.changes} changes: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms`,
    );

    const channel = (await readState(dir)).channels[CAL];
    // calsync's own writes are changes too: each one is pushed and polled once more. Let that settle.
    await quiet(emu);
    const listsBefore = emu.requests.filter((r) => r.method === 'GET' && r.path.includes('/events')).length;
    const rssBefore = rssMiB(server.child.pid);
    const forged = await flood(
      server.url,
      () => ({
        'X-Goog-Channel-ID': channel.id,
        'X-Goog-Channel-Token': 'forged',
        'X-Goog-Resource-State': 'exists',
      }),
      FORGED,
    );
    const unknown = await flood(
      server.url,
      (i) => ({
        'X-Goog-Channel-ID': `unknown-${i}`,
        'X-Goog-Channel-Token': 'forged',
        'X-Goog-Resource-State': 'exists',
      }),
      UNKNOWN,
    );
    const rssAfter = rssMiB(server.child.pid);
    const t0 = performance.now();
    const health = await httpCall(`${server.url}/health`);
    const healthMs = Number((performance.now() - t0).toFixed(1));
    const polls =
      emu.requests.filter((r) => r.method === 'GET' && r.path.includes('/events')).length - listsBefore;
    const slowFlood = await measureSlowFlood(server.url);
    const result = {
      latency,
      slowFlood,
      forged,
      unknown,
      rssMiB: { idle: rssIdle, before: rssBefore, after: rssAfter, bare: await bareServerRss() },
      pollsDuringFlood: polls,
      health: { status: health, ms: healthMs },
      loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
    };
    console.log(
      `webhook: ${FORGED} forged-token requests in ${forged.seconds} s (${forged.perSecond}/s, statuses ${JSON.stringify(forged.statuses)}); ` +
        `${UNKNOWN} unknown-channel requests in ${unknown.seconds} s (statuses ${JSON.stringify(unknown.statuses)})`,
    );
    console.log(
      `webhook: server RSS ${rssBefore ?? 'n/a'} → ${rssAfter ?? 'n/a'} MiB, polls caused ${polls}, /health ${health} in ${healthMs} ms (load average ${result.loadAverage})`,
    );
    const bare = result.rssMiB.bare;
    const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : 'n/a');
    console.log(
      `webhook (both servers with NODE_OPTIONS=${NODE_OPTIONS ?? ''}, as the unit sets it): RSS idle ${rssIdle ?? 'n/a'} MiB vs bare node:http ${bare.idle ?? 'n/a'} MiB, ratio ${ratio(rssIdle, bare.idle)}; ` +
        `after the load (${CHANGES} changes polled, ${FORGED + UNKNOWN} refused notifications) ${rssAfter ?? 'n/a'} MiB vs bare node:http after the same flood ${bare.after ?? 'n/a'} MiB, ratio ${ratio(rssAfter, bare.after)} (goal <= 1.5)`,
    );
    return result;
  } finally {
    if (server) await stopProcess(server.child);
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run(process.argv[2] === 'slowloris' ? ['slowloris'] : undefined);
}
