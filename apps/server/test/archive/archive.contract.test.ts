import { PostgresServer } from '@chat/testkit';
import { PostgresArchive } from '../../src/postgres/archive';
import { migrate } from '../../src/postgres/migrate';
import { createPostgresPool } from '../../src/postgres/pool';
import { describeArchiveContract } from './archive-contract';

let server: PostgresServer | undefined;

describeArchiveContract('PostgreSQL', {
  async start() {
    server = await PostgresServer.start();
  },
  async create() {
    const pool = createPostgresPool(await server!.createDatabase('archive_contract'));
    await migrate(pool);
    return new PostgresArchive(pool, { ownsPool: true });
  },
  async stop() {
    await server?.destroy();
  },
});
