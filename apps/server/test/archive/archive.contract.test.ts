import { PostgresServer } from '@chat/testkit';
import { PostgresArchive } from '../../src/postgres/archive';
import { migrate } from '../../src/postgres/migrate';
import { createPostgresPool } from '../../src/postgres/pool';
import { poolSqlClient } from '../../src/postgres/sql-client';
import { describeArchiveContract } from './archive-contract';

let server: PostgresServer | undefined;

describeArchiveContract('PostgreSQL', {
  async start() {
    server = await PostgresServer.start();
  },
  async create() {
    const pool = createPostgresPool(await server!.createDatabase('archive_contract'));
    await migrate(pool);
    return new PostgresArchive(poolSqlClient(pool), { close: () => pool.end() });
  },
  async stop() {
    await server?.destroy();
  },
});
