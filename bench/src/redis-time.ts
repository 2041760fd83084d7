import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, type RedisCommandStat, type TargetName } from './cluster';

/*
 * Redis time per message from INFO commandstats. Redis counts the commands a
 * Lua script runs under their own names as well as under EVALSHA, whose usec
 * already includes theirs: summing every command would count a script's work
 * twice. Ours is the only target with scripts, so for ours the time of a
 * step is the scripts' (EVAL, EVALSHA and their _RO forms, FCALL) plus every
 * command none of our scripts calls (the ones only sent directly, WAIT for
 * instance). A command that scripts call and that the server also sends
 * directly (event-bus's PUBLISH, a plain GET) is left out: its direct calls are
 * not counted, an undercount, where the other choice would double count every
 * message. The baseline has no scripts: all of its commands count.
 */

const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** The bench's own commands (stats reset and read, CPU sampling), not the server's. */
const BENCH_COMMANDS = new Set(['info', 'config']);

/**
 * append.lua and message-change.lua publish with the command they are given
 * (PUBLISH in single mode, SPUBLISH in cluster mode), so the name is not in
 * their source.
 */
const DYNAMIC_SCRIPT_COMMANDS = ['publish', 'spublish'];

let nested: Set<string> | undefined;

/** Every command our Lua scripts call (apps/server/src/redis/lua), lower case. */
export function scriptNestedCommands(): Set<string> {
  if (nested) return nested;
  const found = new Set<string>(DYNAMIC_SCRIPT_COMMANDS);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.lua')) {
        // redis.call('X', …), redis.pcall('X', …) and pcall(redis.call, 'X', …)
        const source = readFileSync(file, 'utf8');
        for (const match of source.matchAll(/redis\.p?call\s*[(,]\s*'([A-Za-z]+)'/g))
          found.add(match[1]!.toLowerCase());
      }
    }
  };
  walk(path.join(REPO_ROOT, 'apps/server/src/redis/lua'));
  nested = found;
  return nested;
}

/** µs of top-level command execution in `stats` (see above), for `target`'s server. */
export function topLevelUsec(stats: RedisCommandStat[], target: TargetName): number {
  const skip = target === 'ours' ? scriptNestedCommands() : new Set<string>();
  let usec = 0;
  for (const stat of stats) {
    // Redis 7 names subcommands container|sub (config|resetstat).
    const name = stat.command.toLowerCase().split('|')[0]!;
    if (BENCH_COMMANDS.has(name)) continue;
    if (SCRIPT_COMMANDS.has(name) || !skip.has(name)) usec += stat.usec;
  }
  return usec;
}

/** Adds `more` into `into`, per command (scenario totals from per-step windows). */
export function addCommandStats(into: RedisCommandStat[], more: RedisCommandStat[]): void {
  for (const stat of more) {
    const entry = into.find((s) => s.command === stat.command);
    if (entry) {
      entry.calls += stat.calls;
      entry.usec += stat.usec;
      entry.usecPerCall = entry.calls > 0 ? entry.usec / entry.calls : 0;
    } else into.push({ ...stat });
  }
  into.sort((a, b) => b.usec - a.usec);
}
