import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Cluster, REPO_ROOT, type TargetName } from './cluster';
import {
  formatProfile,
  largestProfile,
  summarizeProfile,
  type ProfileSummary,
  type ProfileWindow,
} from './profile';
import { ensureOpenFiles, installCleanup, killAllNow, nowMs } from './proc';
import {
  fanoutSummary,
  goals,
  goalsTable,
  idleTable,
  ratiosTable,
  SCENARIOS,
  stepsTable,
  stormTable,
  type AllResults,
  type TargetResults,
  type ScenarioName,
} from './report';
import type { ScenarioContext } from './scenarios/common';
import { runFanout } from './scenarios/fanout';
import { runIdle } from './scenarios/idle';
import { runArchiveBench } from './archive/archive-bench';
import { runStorm } from './scenarios/storm';
import { settingsFor } from './settings';
import { runScaling, scalingTable, type ScalingSettings } from './scaling/scaling';
import { runSoak, type SoakResult, type SoakSettings } from './soak/soak';
import { soakReport } from './soak/soak-report';

const USAGE = `usage: npm run bench -- [scenario...] [options]

scenarios: rooms, bigroom, idle, connect-storm (default: all)
           soak: a long run of ours alone, on its own (see --minutes)
           archive: the archiver alone, on its own: drain rate of a pre-filled feed
                    (with its CPU and PostgreSQL's), and its lag under sustained sends
           scaling: ours alone, on its own (issue 15): fixed traffic per instance, 2, 4, 6
                    instances, on one Redis and on a Redis Cluster (REDIS_MODE=cluster);
                    inbound Pub/Sub per instance, CPU per delivery, Redis CPU per message

options:
  --baseline        also run the scenarios against the baseline server (bench/src/baseline)
  --ceiling         also run rooms, bigroom (and idle, as a floor) against the bare ws ceiling
  --storm-online    connect-storm with every user already online (one idle connection each,
                    opened first), so the storm triggers no presence broadcasts (experiment)
  --quick           smoke run: fewer clients, short steps (numbers are not meaningful)
  --out FILE        JSON results file (default bench/results/<timestamp>.json)
  --targets LIST    run exactly these targets, comma separated: ours,baseline,ceiling
  --repeat N        run every selected scenario N times per target (fresh Redis and instances
                    each time); the ratios and targets tables show medians and min–max
  --rates LIST      fixed send rates (msgs/s, comma separated) instead of the search and of
                    rooms' fixed 1,000 and 2,000 msg/s steps
  --profile         run server instances with node --cpu-prof and summarise the profiles
  --archive         ours with the archive: a PostgreSQL, DATABASE_URL on the instances and one
                    archiver (compare with a run without it: the archive's cost on the send path)
  --workers N       load-generator threads (default 2)
  --minutes N       soak length (default 10)
  --redis-modes L   scaling: single, cluster or both, comma separated (default single,cluster);
                    cluster starts a Redis Cluster of three masters with a replica each
  --instances L     scaling: instance counts, comma separated (default 2,4,6)
  --rates R         scaling: messages per second per instance (default 100)
  -h, --help        this text`;

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const redis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout?.trim();
  return {
    nproc: os.availableParallelism(),
    cpuModel: model,
    memTotalGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    redis: redis ?? 'not found',
    kernel: os.release(),
    loadavgAtStart: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

/**
 * What `--profile` counts of a scenario: its measured steps (rooms, bigroom) or the storm
 * itself; undefined, the whole run, for idle (its measured window is most of its run).
 */
function measuredWindows(result: TargetResults[keyof TargetResults]): ProfileWindow[] | undefined {
  if (result === undefined || typeof result !== 'object') return undefined;
  if ('steps' in result) return result.steps.map((step) => step.window);
  if ('window' in result) return [result.window];
  return undefined;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      baseline: { type: 'boolean', default: false },
      ceiling: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      targets: { type: 'string' },
      rates: { type: 'string' },
      profile: { type: 'boolean', default: false },
      archive: { type: 'boolean', default: false },
      'storm-online': { type: 'boolean', default: false },
      repeat: { type: 'string' },
      workers: { type: 'string' },
      minutes: { type: 'string' },
      'redis-modes': { type: 'string' },
      instances: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.includes('archive')) {
    if (positionals.length > 1) throw new Error(`archive runs on its own\n\n${USAGE}`);
    await archiveMain(values.quick, values.rates, values.out);
    return;
  }
  if (positionals.includes('scaling')) {
    if (positionals.length > 1) throw new Error(`scaling runs on its own\n\n${USAGE}`);
    await scalingMain(values, values.out);
    return;
  }
  if (values['redis-modes'] || values.instances)
    throw new Error(`--redis-modes and --instances are options of scaling\n\n${USAGE}`);
  if (positionals.includes('soak')) {
    if (positionals.length > 1) throw new Error(`soak runs on its own\n\n${USAGE}`);
    await soakMain(values.quick, Number(values.minutes ?? 10), values.out);
    return;
  }
  const unknown = positionals.filter((p) => !SCENARIOS.includes(p as ScenarioName));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}\n\n${USAGE}`);
  const scenarios: ScenarioName[] =
    positionals.length > 0 ? SCENARIOS.filter((s) => positionals.includes(s)) : SCENARIOS;

  let targets: TargetName[];
  if (values.targets) {
    targets = values.targets.split(',').map((t) => t.trim()) as TargetName[];
    for (const t of targets)
      if (!['ours', 'baseline', 'ceiling'].includes(t)) throw new Error(`unknown target ${t}`);
  } else {
    targets = [...(values.baseline ? (['baseline'] as const) : []), 'ours'];
    if (values.ceiling) targets.push('ceiling');
  }
  // The baseline runs first: ours then also runs at the baseline's best rate.
  const order: TargetName[] = ['baseline', 'ours', 'ceiling'];
  targets = order.filter((t) => targets.includes(t));

  const repeat = Number(values.repeat ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat: a whole number ≥ 1');
  const settings = settingsFor(values.quick);
  settings.storm.usersOnline = values['storm-online'];
  if (values.workers) settings.workers = Math.max(1, Number(values.workers));
  if (values.rates)
    settings.rates = values.rates
      .split(',')
      .map(Number)
      .filter((r) => r > 0);

  if (targets.includes('ours') && !existsSync(path.join(REPO_ROOT, 'apps/server/dist/index.js')))
    throw new Error('apps/server/dist/index.js is missing: run npm run build -w @chat/server');
  if (spawnSync('redis-server', ['--version']).status !== 0 && targets.some((t) => t !== 'ceiling'))
    throw new Error('redis-server is not on PATH (apt-get install -y redis-server)');

  const filesWarning = ensureOpenFiles(
    Math.max(settings.idle.connections, settings.storm.connections) + 2048,
  );
  if (filesWarning) process.stderr.write(`bench: warning: ${filesWarning}\n`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const outFile = values.out ? path.resolve(values.out) : path.join(resultsDir, `${stamp}.json`);
  const profileRoot = values.profile ? path.join(resultsDir, `profiles-${stamp}`) : undefined;

  const started = nowMs();
  const info = machine();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(
    `bench: ${targets.join(', ')} × ${scenarios.join(', ')}${repeat > 1 ? `, ${repeat} runs` : ''}${values.quick ? ' (quick smoke run)' : ''}`,
  );
  log(
    `machine: ${info.nproc} cores (${info.cpuModel}), ${info.memTotalGiB} GiB, node ${info.node}, load ${info.loadavgAtStart.join(' ')}`,
  );

  const reps: AllResults[] = [];
  const profiles: Record<string, ProfileSummary> = {};
  installCleanup();

  // Repetition outermost: every target runs once per repetition, so a slow
  // stretch of the shared machine lands in one repetition of all of them
  // rather than in every repetition of one.
  for (let rep = 1; rep <= repeat; rep++) {
    const results: AllResults = {};
    reps.push(results);
    const runLabel = repeat > 1 ? ` (run ${rep} of ${repeat})` : '';
    const profileTag = repeat > 1 ? `-run${rep}` : '';
    for (const target of targets) {
      const cluster = new Cluster(target);
      const res: NonNullable<AllResults[TargetName]> = {};
      results[target] = res;
      // The ceiling is a fan-out reference; its idle figures (a bare ws
      // connection, no auth) are a floor for memory per connection.
      const wanted = scenarios.filter((s) => target !== 'ceiling' || s !== 'connect-storm');
      if (wanted.length === 0) continue;
      log(`\n== ${target}${runLabel} ==`);
      try {
        await cluster.startRedis();
        if (values.archive && target === 'ours') {
          await cluster.startArchive();
          log(`  archive: PostgreSQL and one archiver; instances start with DATABASE_URL`);
        }
        await cluster.startInstances(settings.instances);
        const t0 = nowMs();
        const accounts = await cluster.registerUsers(settings.users, 12);
        const roomCount = Math.ceil(settings.rooms.clients / settings.rooms.roomSize);
        const names = [...Array.from({ length: roomCount }, (_, i) => `room-${i}`), 'bigroom'];
        const roomIds = await cluster.createRooms(names, accounts);
        if (target !== 'ceiling')
          log(
            `  setup: ${accounts.length} users registered, ${roomIds.length} rooms created in ${((nowMs() - t0) / 1000).toFixed(1)} s`,
          );
        await cluster.stopInstances();
        const ctx: ScenarioContext = {
          cluster,
          target,
          settings,
          accounts,
          roomIds,
          runTag: randomBytes(3).toString('hex'),
          log,
        };
        for (const scenario of wanted) {
          log(`-- ${target} / ${scenario}${runLabel}`);
          const dir = profileRoot
            ? path.join(profileRoot, `${target}-${scenario}${profileTag}`)
            : undefined;
          cluster.profileDir = dir;
          const s0 = nowMs();
          try {
            switch (scenario) {
              case 'rooms':
              case 'bigroom': {
                const baseBest = results.baseline?.[scenario]?.best?.rate;
                const extra = target === 'ours' && baseBest !== undefined ? [baseBest] : [];
                res[scenario] = await runFanout(ctx, scenario, extra);
                const r = res[scenario];
                if (r.error) log(`  ERROR: ${r.error}`);
                break;
              }
              case 'idle':
                res.idle = await runIdle(ctx);
                log(
                  `  RSS ${(res.idle.rssPerConnBytes / 1024).toFixed(1)} KB/conn, heap ${(res.idle.heapPerConnBytes / 1024).toFixed(1)} KB/conn, idle CPU ${res.idle.idleCorePct.toFixed(2)}% of a core`,
                );
                break;
              case 'connect-storm':
                res['connect-storm'] = await runStorm(ctx);
                log(
                  `  ${res['connect-storm'].ok} ok, ${res['connect-storm'].failed} failed, ${res['connect-storm'].connectionsPerSec.toFixed(0)} conn/s, p99 ${res['connect-storm'].connectTime.p99Ms.toFixed(1)} ms`,
                );
                break;
            }
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            log(`  ERROR in ${target}/${scenario}: ${message}`);
            res.error = `${scenario}: ${message}`;
            await cluster.stopInstances();
          }
          log(`  (${((nowMs() - s0) / 1000).toFixed(0)} s)`);
          if (dir) {
            const file = largestProfile(dir);
            if (file) {
              const summary = summarizeProfile(file, 30, measuredWindows(res[scenario]));
              profiles[`${target}/${scenario}${profileTag}`] = summary;
              log(formatProfile(summary, 15));
            }
          }
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`  ERROR in ${target}: ${message}`);
        res.error = message;
      } finally {
        await cluster.stop();
      }
    }
  }

  const durationSec = (nowMs() - started) / 1000;
  const goalList = goals(reps);
  const sections: string[] = [];
  reps.forEach((results, i) => {
    const runLabel = repeat > 1 ? ` (run ${i + 1} of ${repeat})` : '';
    for (const name of ['rooms', 'bigroom'] as const) {
      if (!Object.values(results).some((r) => r?.[name])) continue;
      sections.push(`### ${name}${runLabel}\n\n${fanoutSummary(results, name)}`);
      for (const [target, res] of Object.entries(results)) {
        const r = res?.[name];
        if (r) {
          sections.push(
            `${name} / ${target}${runLabel}: ${r.clients} clients, ${r.rooms} room(s) of ${r.roomSize}, ${r.instances} instance(s), ${r.placement}; ${r.sioClients} socket.io-client sockets (${r.totals.sio.deliveries} deliveries, ${r.totals.sio.duplicates} dup, ${r.totals.sio.outOfOrder} ooo)\n\n${stepsTable(r)}`,
          );
        }
      }
    }
    if (Object.values(results).some((r) => r?.idle))
      sections.push(`### idle${runLabel}\n\n${idleTable(results)}`);
    if (Object.values(results).some((r) => r?.['connect-storm']))
      sections.push(`### connect-storm${runLabel}\n\n${stormTable(results)}`);
  });
  sections.push(`### ratios\n\n${ratiosTable(reps)}`);
  sections.push(`### targets\n\n${goalsTable(goalList, reps)}`);
  const report = sections.join('\n\n');
  log(`\n${report}\n`);

  const json = {
    // 2: `repetitions` (one results object per --repeat run) replaced `results`.
    version: 2,
    startedAt: new Date(Date.now() - durationSec * 1000).toISOString(),
    durationSec: +durationSec.toFixed(1),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { ...info, loadavgAtEnd: os.loadavg().map((x) => +x.toFixed(2)) },
    settings,
    targets,
    scenarios,
    repeat,
    repetitions: reps,
    goals: goalList,
    profiles,
  };
  writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`);
  const mdFile = outFile.replace(/\.json$/, '') + '.md';
  writeFileSync(mdFile, `${report}\n`);
  log(
    `results: ${path.relative(process.cwd(), outFile)} (tables: ${path.relative(process.cwd(), mdFile)})`,
  );
  log(`done in ${durationSec.toFixed(0)} s`);
}

/** `npm run bench -- archive`: the archiver's drain rate and its lag under sustained sends. */
async function archiveMain(
  quick: boolean,
  rates: string | undefined,
  out: string | undefined,
): Promise<void> {
  const settings = {
    drainMessages: quick ? 5_000 : 50_000,
    sendRate: Number(rates?.split(',')[0] ?? (quick ? 500 : 2000)),
    sendSeconds: quick ? 5 : 30,
    clients: quick ? 10 : 40,
  };
  const info = machine();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`bench: archive${quick ? ' (quick smoke run)' : ''}`);
  log(
    `machine: ${info.nproc} cores (${info.cpuModel}), ${info.memTotalGiB} GiB, node ${info.node}, load ${info.loadavgAtStart.join(' ')}`,
  );
  if (!existsSync(path.join(REPO_ROOT, 'apps/archiver/dist/index.js')))
    throw new Error('apps/archiver/dist/index.js is missing: run npm run build -w @chat/archiver');
  installCleanup();
  const cluster = new Cluster('ours');
  const started = nowMs();
  let result;
  try {
    await cluster.startRedis();
    result = await runArchiveBench(cluster, settings, log);
  } finally {
    await cluster.stop();
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outFile = out
    ? path.resolve(out)
    : path.join(REPO_ROOT, 'bench', 'results', `archive-${stamp}.json`);
  mkdirSync(path.dirname(outFile), { recursive: true });
  const json = {
    version: 1,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    durationSec: +((nowMs() - started) / 1000).toFixed(1),
    machine: { ...info, loadavgAtEnd: os.loadavg().map((x) => +x.toFixed(2)) },
    settings,
    result,
  };
  writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`);
  log(`results: ${path.relative(process.cwd(), outFile)}`);
}

/** `npm run bench -- scaling`: ours only, both Redis modes, a growing number of instances. */
async function scalingMain(
  values: {
    quick: boolean;
    rates?: string;
    workers?: string;
    'redis-modes'?: string;
    instances?: string;
  },
  out: string | undefined,
): Promise<void> {
  const list = (text: string) => text.split(',').map((item) => item.trim());
  const modes = list(values['redis-modes'] ?? 'single,cluster');
  for (const mode of modes)
    if (mode !== 'single' && mode !== 'cluster')
      throw new Error(`--redis-modes: ${mode} is neither single nor cluster`);
  const instanceCounts = list(values.instances ?? (values.quick ? '2,4' : '2,4,6')).map(Number);
  if (instanceCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 16))
    throw new Error('--instances: whole numbers from 1 to 16, comma separated');
  const rate = Number(values.rates?.split(',')[0] ?? 100);
  if (!(rate > 0))
    throw new Error('--rates: a positive number of messages per second per instance');
  const settings: ScalingSettings = {
    modes: modes as ScalingSettings['modes'],
    instanceCounts,
    ratePerInstance: rate,
    clientsPerInstance: 40,
    roomSize: 5,
    crossRooms: 0,
    warmupMs: values.quick ? 1000 : 3000,
    measureMs: values.quick ? 2000 : 10_000,
    drainMs: 5000,
    workers: Math.max(1, Number(values.workers ?? 2)),
    textSize: 80,
  };
  if (!existsSync(path.join(REPO_ROOT, 'apps/server/dist/index.js')))
    throw new Error('apps/server/dist/index.js is missing: run npm run build -w @chat/server');
  const info = machine();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(
    `bench: scaling, ${modes.join(' and ')} Redis × ${instanceCounts.join(', ')} instances at ${rate} msg/s per instance${values.quick ? ' (quick smoke run)' : ''}`,
  );
  log(
    `machine: ${info.nproc} cores (${info.cpuModel}), ${info.memTotalGiB} GiB, node ${info.node}, ${info.redis}, load ${info.loadavgAtStart.join(' ')}`,
  );
  installCleanup();
  const started = nowMs();
  const rows = await runScaling(settings, log);
  const report = scalingTable(rows);
  log(`\n${report}\n`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outFile = out
    ? path.resolve(out)
    : path.join(REPO_ROOT, 'bench', 'results', `scaling-${stamp}.json`);
  mkdirSync(path.dirname(outFile), { recursive: true });
  const json = {
    version: 1,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    durationSec: +((nowMs() - started) / 1000).toFixed(1),
    machine: { ...info, loadavgAtEnd: os.loadavg().map((x) => +x.toFixed(2)) },
    settings,
    rows,
  };
  writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(outFile.replace(/\.json$/, '') + '.md', `${report}\n`);
  log(`results: ${path.relative(process.cwd(), outFile)}`);
  if (rows.some((row) => row.error)) process.exitCode = 1;
}

/** `npm run bench -- soak`: ours only, three instances, rolling restarts. */
async function soakMain(quick: boolean, minutes: number, out: string | undefined): Promise<void> {
  if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
  const settings: SoakSettings = {
    minutes,
    clients: quick ? 30 : 90,
    roomSize: 10,
    sendRatePerClient: 2,
    restartEverySec: quick ? 20 : 60,
    sampleEverySec: 5,
  };
  const info = machine();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`bench: soak, ${minutes} min`);
  log(
    `machine: ${info.nproc} cores (${info.cpuModel}), ${info.memTotalGiB} GiB, node ${info.node}`,
  );
  installCleanup();
  const cluster = new Cluster('ours');
  const started = nowMs();
  let result: SoakResult;
  try {
    await cluster.startRedis();
    // gcHook: instance 1's retained heap is read after a full GC (restarts start without it).
    await cluster.startInstances(3, true);
    const accounts = await cluster.registerUsers(settings.clients, 12);
    const roomCount = Math.ceil(settings.clients / settings.roomSize);
    const roomIds = await cluster.createRooms(
      Array.from({ length: roomCount }, (_, i) => `soak-${i}`),
      accounts,
    );
    result = await runSoak(cluster, accounts, roomIds, settings, log);
  } finally {
    await cluster.stop();
  }
  const report = soakReport(result);
  log(`\n${report}\n`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outFile = out
    ? path.resolve(out)
    : path.join(REPO_ROOT, 'bench', 'results', `soak-${stamp}.json`);
  mkdirSync(path.dirname(outFile), { recursive: true });
  const json = {
    version: 1,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    durationSec: +((nowMs() - started) / 1000).toFixed(1),
    machine: info,
    result,
  };
  writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(outFile.replace(/\.json$/, '') + '.md', `${report}\n`);
  log(`results: ${path.relative(process.cwd(), outFile)}`);
  const clean = result.lost === 0 && result.duplicates === 0 && result.outOfOrder === 0;
  if (!clean || result.witnessTrend.growthSuspected) process.exitCode = 1;
}

main().then(
  () => {
    killAllNow();
    process.exit(process.exitCode ?? 0);
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    killAllNow();
    process.exit(1);
  },
);
