import {
  accessSync,
  constants,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * The PGlite folder inside a DATA_DIR: the server's PGLITE_FOLDER
 * (apps/server/src/embedded/backend.ts), repeated here so the kit needs no server code.
 */
const PGLITE_FOLDER = 'pglite';

/** Where templates are cached between runs, by PGlite version (and by the caller's key). */
const TEMPLATES = path.join(tmpdir(), 'chat-testkit-pglite');

/** A template made by `EmbeddedDataDir.template`: a PGlite folder to copy, never to open. */
export interface DataDirTemplate {
  folder: string;
}

/**
 * Where the data dirs themselves go: /dev/shm (memory) where there is one. A data dir is
 * about a thousand files (39 MB); creating and deleting them on the disk took 1–2 s a copy
 * on the shared CI machine under load, against 0.05–0.3 s in memory. Tests never need
 * them to outlive the machine.
 */
const SCRATCH = writable('/dev/shm') ? '/dev/shm' : tmpdir();

/** Templates this process has made or found, by name. */
const templates = new Map<string, Promise<DataDirTemplate>>();

/**
 * A DATA_DIR of its own for an embedded server (DATA_DIR=path), in a scratch folder, its
 * PGlite database already initialised: a copy of a template that is created once (initdb
 * takes 2–5 s and peaks near 800 MB) and cached between runs under the system's temp
 * folder, keyed by PGlite's version. A copy takes 0.1–0.3 s and opens in about 0.4 s.
 * remove() deletes it.
 */
export class EmbeddedDataDir {
  private constructor(readonly path: string) {}

  /**
   * A fresh DATA_DIR: a copy of `template` (default: PGlite's own, freshly initialised, which
   * the server migrates at start as it would any existing data dir).
   */
  static async create(template?: DataDirTemplate): Promise<EmbeddedDataDir> {
    const { folder } = template ?? (await EmbeddedDataDir.template());
    const dir = mkdtempSync(path.join(SCRATCH, 'chat-data-'));
    cpSync(folder, path.join(dir, PGLITE_FOLDER), { recursive: true });
    return new EmbeddedDataDir(dir);
  }

  /**
   * PGlite's freshly initialised template, or with `derived`, one made from it by
   * `prepare` (which gets a PGlite folder to open, change and close: say, apply the
   * server's migrations) and cached under `key`, which must change whenever what `prepare`
   * does changes (a hash of the migrations, say).
   */
  static template(derived?: {
    key: string;
    prepare: (folder: string) => Promise<void>;
  }): Promise<DataDirTemplate> {
    const base = `pglite-${pgliteVersion()}`;
    if (!derived) return cachedTemplate(base, initialise);
    return cachedTemplate(`${base}-${derived.key}`, async (folder) => {
      cpSync((await EmbeddedDataDir.template()).folder, folder, { recursive: true });
      await derived.prepare(folder);
    });
  }

  /** Deletes the folder (its server must have stopped). */
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

async function initialise(folder: string): Promise<void> {
  const database = await PGlite.create(folder);
  await database.close();
}

function cachedTemplate(
  name: string,
  build: (folder: string) => Promise<void>,
): Promise<DataDirTemplate> {
  let template = templates.get(name);
  if (!template) {
    template = ensureTemplate(path.join(TEMPLATES, name), build);
    templates.set(name, template);
  }
  return template;
}

/**
 * The template, built when missing: in a folder of its own, then renamed into place in
 * one step, so a concurrent run (another Jest worker) either finds a complete template or
 * puts its own in place; never a half-built one. A template in place is never opened
 * again (opening writes to it), only copied.
 */
async function ensureTemplate(
  target: string,
  build: (folder: string) => Promise<void>,
): Promise<DataDirTemplate> {
  if (isTemplate(target)) return { folder: target };
  mkdirSync(TEMPLATES, { recursive: true });
  const building = mkdtempSync(path.join(TEMPLATES, 'building-'));
  const folder = path.join(building, 'data');
  try {
    await build(folder);
    try {
      renameSync(folder, target);
    } catch (error) {
      // Another run put its template in place first: use that one.
      if (!isTemplate(target)) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return { folder: target };
}

function isTemplate(folder: string): boolean {
  try {
    return readFileSync(path.join(folder, 'PG_VERSION'), 'utf8').trim().length > 0;
  } catch {
    return false;
  }
}

/** The installed PGlite's version (its package.json is not among its exports). */
function pgliteVersion(): string {
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function writable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
