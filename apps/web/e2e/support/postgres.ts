import { PostgresServer } from '@chat/testkit';

/** What `postgresForSuite` hands a suite; valid from its beforeAll on. */
export interface SuitePostgres {
  /** The suite's database, on the test kit's PostgreSQL (a free port, never 5432). */
  readonly databaseUrl: string;
}

/**
 * A PostgreSQL of the suite's own with one fresh database, started before the suite's tests
 * and stopped after them. Declare it before `stackForSuite`, whose servers then read the URL
 * (hooks run in the order they are declared).
 */
export function postgresForSuite(database: string): SuitePostgres {
  let server: PostgresServer | undefined;
  let databaseUrl: string | undefined;
  beforeAll(async () => {
    server = await PostgresServer.start();
    databaseUrl = await server.createDatabase(database);
  }, 60_000);
  afterAll(() => server?.destroy());
  return {
    get databaseUrl() {
      if (!databaseUrl) throw new Error('postgresForSuite: the database is created in beforeAll');
      return databaseUrl;
    },
  };
}
