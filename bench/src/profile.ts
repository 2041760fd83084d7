import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/*
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and
 * per package. Usable on its own: node bench/dist/profile.js <file> [top].
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  /** Microseconds between consecutive samples, the first from startTime. */
  timeDeltas?: number[];
}

/** A stretch of time, in milliseconds of the monotonic clock (the profile's own clock). */
export interface ProfileWindow {
  fromMs: number;
  toMs: number;
}

export interface ProfileRow {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the busy (non-idle) samples. */
  pct: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  busyMs: number;
  functions: ProfileRow[];
  packages: ProfileRow[];
}

/** `…/node_modules/socket.io/dist/socket.js` → `socket.io`; our code and node internals by name. */
function packageOf(url: string): string {
  if (!url) return '(native/vm)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node (core)';
  if (url.includes('/apps/server/')) return 'apps/server';
  if (url.includes('/packages/shared/')) return 'packages/shared';
  if (url.includes('/bench/')) return 'bench';
  return url;
}

function shortWhere(url: string, line: number): string {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  const trimmed =
    nm >= 0
      ? url.slice(nm + 'node_modules/'.length)
      : url.replace(/^file:\/\//, '').replace(/^.*\/(apps|packages|bench)\//, '$1/');
  return `${trimmed}:${line + 1}`;
}

/**
 * Samples per node, counting only those taken inside `windows` (the measured steps: a process's
 * start-up, module loading and the scenario's set-up are not the fan-out's cost), or every one
 * when no window is given or the profile has no timeline. Returns also the time they cover.
 */
function hitsIn(
  profile: CpuProfile,
  windows: readonly ProfileWindow[] | undefined,
): { hits: Map<number, number>; coveredMs: number } {
  const hits = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (!windows?.length || !samples || !timeDeltas || samples.length !== timeDeltas.length) {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
    return { hits, coveredMs: (profile.endTime - profile.startTime) / 1000 };
  }
  let atUs = profile.startTime;
  for (let i = 0; i < samples.length; i += 1) {
    atUs += timeDeltas[i]!;
    const atMs = atUs / 1000;
    if (!windows.some((w) => atMs >= w.fromMs && atMs < w.toMs)) continue;
    hits.set(samples[i]!, (hits.get(samples[i]!) ?? 0) + 1);
  }
  const coveredMs = windows.reduce(
    (sum, w) =>
      sum +
      Math.max(
        0,
        Math.min(w.toMs, profile.endTime / 1000) - Math.max(w.fromMs, profile.startTime / 1000),
      ),
    0,
  );
  return { hits, coveredMs };
}

export function summarizeProfile(
  file: string,
  top = 25,
  windows?: readonly ProfileWindow[],
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { hits: hitsByNode, coveredMs } = hitsIn(profile, windows);
  const totalSamples = [...hitsByNode.values()].reduce((n, hits) => n + hits, 0);
  const totalMs = coveredMs;
  const msPerSample = totalSamples > 0 ? totalMs / totalSamples : 0;
  const byFunction = new Map<string, ProfileRow>();
  const byPackage = new Map<string, ProfileRow>();
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = hitsByNode.get(node.id) ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += hits;
      continue;
    }
    const name = functionName || '(anonymous)';
    const where = shortWhere(url, lineNumber);
    const key = `${name} ${where}`;
    const row = byFunction.get(key) ?? { name, where, selfMs: 0, pct: 0 };
    row.selfMs += hits * msPerSample;
    byFunction.set(key, row);
    const pkg = name.startsWith('(') ? name : packageOf(url);
    const prow = byPackage.get(pkg) ?? { name: pkg, where: '', selfMs: 0, pct: 0 };
    prow.selfMs += hits * msPerSample;
    byPackage.set(pkg, prow);
  }
  const busyMs = (totalSamples - idle) * msPerSample;
  const finish = (rows: Iterable<ProfileRow>) =>
    [...rows]
      .map((row) => ({ ...row, pct: busyMs > 0 ? (100 * row.selfMs) / busyMs : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top);
  return {
    file,
    totalMs,
    busyMs,
    functions: finish(byFunction.values()),
    packages: finish(byPackage.values()),
  };
}

/** The largest .cpuprofile in a directory (the busiest instance, usually). */
export function largestProfile(dir: string): string | undefined {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(dir, f))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  } catch {
    return undefined;
  }
}

export function formatProfile(summary: ProfileSummary, top = 20): string {
  const lines = [
    `profile ${summary.file}`,
    `  ${(summary.busyMs / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s`,
    '  self time by package:',
    ...summary.packages.slice(0, 12).map((r) => `    ${r.pct.toFixed(1).padStart(5)}%  ${r.name}`),
    '  top functions by self time:',
    ...summary.functions
      .slice(0, top)
      .map((r) => `    ${r.pct.toFixed(1).padStart(5)}%  ${r.name}  ${r.where}`),
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/dist/profile.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const top = Number(process.argv[3] ?? 25);
  process.stdout.write(`${formatProfile(summarizeProfile(file, top), top)}\n`);
}
