import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RedisClient } from './connection';

/*
 * The Lua scripts in ./lua, registered on a connection with defineCommand
 * (EVALSHA, falling back to EVAL after a Redis restart flushed the cache).
 * lua/lib/*.lua (helpers shared by several scripts: the token bucket, stream
 * ids) are prepended to the scripts that use them, since Redis scripts cannot
 * include one another.
 */

function lua(name: string): string {
  return readFileSync(path.join(__dirname, 'lua', `${name}.lua`), 'utf8');
}

type Arg = string | number;
/** A stream entry as a script returns it: id and flat field list. */
type StreamEntryReply = [id: string, fields: string[]];
type Script<Reply> = (keys: string[], args: Arg[]) => Promise<Reply>;

export interface ChatScripts {
  appendMessage: Script<[number, string | number]>;
  messageChange: Script<[number, string?]>;
  catchUp: Script<
    [string, string | null, StreamEntryReply[], (string | null)[], (string | null)[]]
  >;
  historyPage: Script<[string | null, StreamEntryReply[], (string | null)[]]>;
  createUser: Script<number>;
  createRoom: Script<number>;
  getOrCreateDm: Script<[number, string]>;
  rateLimit: Script<number>;
  presenceConnect: Script<number>;
  presenceDisconnect: Script<number>;
  presenceHeartbeat: Script<string[]>;
  presenceOnline: Script<string[]>;
  presenceUserJoin: Script<number>;
  presenceUserLeave: Script<number>;
  presenceBeat: Script<string[]>;
  presenceLive: Script<string[]>;
  presenceForget: Script<number>;
  readMarker: Script<number>;
  createSession: Script<number>;
  useSession: Script<[string, number] | null>;
  unreadCounts: Script<number[]>;
  /** Cluster mode: the stores' per-slot steps (docs/ARCHITECTURE.md "Cluster mode: stores across slots"). */
  unreadCountsOf: Script<number[]>;
  putRoom: Script<[number, string[]]>;
  indexSession: Script<number>;
  archiveRegister: Script<number>;
  archiveTrimFeed: Script<[safePoint: string, trimmed: number] | null>;
  archiveTrimRoom: Script<number>;
  archiveDropConsumers: Script<number>;
}

const FILES: Record<keyof ChatScripts, string> = {
  appendMessage: 'append',
  messageChange: 'message-change',
  catchUp: 'catch-up',
  historyPage: 'history-page',
  createUser: 'create-user',
  createRoom: 'create-room',
  getOrCreateDm: 'get-or-create-dm',
  rateLimit: 'rate-limit',
  presenceConnect: 'presence-connect',
  presenceDisconnect: 'presence-disconnect',
  presenceHeartbeat: 'presence-heartbeat',
  presenceOnline: 'presence-online',
  presenceUserJoin: 'presence-user-join',
  presenceUserLeave: 'presence-user-leave',
  presenceBeat: 'presence-beat',
  presenceLive: 'presence-live',
  presenceForget: 'presence-forget',
  readMarker: 'read-marker',
  createSession: 'create-session',
  useSession: 'use-session',
  unreadCounts: 'unread-counts',
  unreadCountsOf: 'unread-counts-of',
  putRoom: 'put-room',
  indexSession: 'index-session',
  archiveRegister: 'archive-register',
  archiveTrimFeed: 'archive-trim-feed',
  archiveTrimRoom: 'archive-trim-room',
  archiveDropConsumers: 'archive-drop-consumers',
};

/**
 * The scripts' command names. Auto-pipelining must skip them on a Cluster client: ioredis 6
 * routes an auto-pipelined script by its first argument, the number of keys, not by its first
 * key, so scripts of different nodes land in one pipeline, which it then rejects ("All keys in
 * the pipeline should belong to the same slots allocation group", ioredis issue #2109).
 */
export const SCRIPT_COMMANDS = Object.keys(FILES);

/** In dependency order: a library may use the ones before it. */
const LIBRARIES = [
  'lib/token-bucket',
  'lib/stream-ids',
  'lib/room-log',
  'lib/unread',
  'lib/iso-time',
];

/**
 * A script's source with the libraries it uses, and those they use, prepended (in LIBRARIES
 * order). Only those: a script runs its prepended libraries' top level on every call (each
 * `local function` is a closure made anew), which for the append, the hot path, was about 2 µs
 * of Redis time per message with all four (issue 16, `node scripts/append-cost.mjs`).
 */
export function withLibraries(
  source: string,
  libraries: readonly { name: string; source: string }[],
): string {
  const needed: string[] = [];
  let text = source;
  for (const library of [...libraries].reverse()) {
    const names = [...library.source.matchAll(/^local function (\w+)/gm)].map((match) => match[1]!);
    if (!names.some((name) => new RegExp(`\\b${name}\\b`).test(text))) continue;
    needed.unshift(library.source);
    text = `${library.source}\n${text}`;
  }
  return [...needed, source].join('\n');
}

export function registerScripts(redis: RedisClient): ChatScripts {
  const libraries = LIBRARIES.map((name) => ({ name, source: lua(name) }));
  for (const [command, file] of Object.entries(FILES)) {
    redis.defineCommand(command, { lua: withLibraries(lua(file), libraries) });
  }
  // defineCommand adds methods ioredis cannot type; reach them through one narrow cast.
  const commands = redis as unknown as Record<
    string,
    (numberOfKeys: number, ...keysAndArgs: Arg[]) => Promise<unknown>
  >;
  const scripts = {} as Record<keyof ChatScripts, Script<unknown>>;
  for (const command of Object.keys(FILES) as (keyof ChatScripts)[]) {
    scripts[command] = (keys, args) => commands[command]!(keys.length, ...keys, ...args);
  }
  return scripts as ChatScripts;
}
