import path from 'node:path';
import { EmbeddedDataDir } from '@chat/testkit';
import { PGLITE_FOLDER } from '../../src/embedded/backend';
import { PgliteDatabase } from '../../src/embedded/pglite';
import { pgliteDialect } from '../../src/embedded/pglite-dialect';
import { PostgresArchive } from '../../src/postgres/archive';
import { migrate } from '../../src/postgres/migrate';
import { describeArchiveContract } from './archive-contract';

/*
 * The embedded mode's archive: the same PostgresArchive and the same migrations as on a
 * PostgreSQL server, on PGlite through its SqlClient and Kysely dialect adapters. The data
 * dir is the test kit's fresh PGlite template, so the archive's migrations run here from
 * nothing, as on a first start.
 */

let dataDir: EmbeddedDataDir | undefined;

describeArchiveContract('PGlite', {
  async start() {
    dataDir = await EmbeddedDataDir.create();
  },
  async create() {
    const database = new PgliteDatabase();
    await database.open(path.join(dataDir!.path, PGLITE_FOLDER));
    expect(await migrate(pgliteDialect(database.pglite))).toEqual([
      '0001-messages',
      '0002-versions',
    ]);
    return new PostgresArchive(database, { close: () => database.close() });
  },
  async stop() {
    dataDir?.remove();
  },
});
