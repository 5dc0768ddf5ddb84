// Runs once per `npm test` (compiled to CommonJS by Jest, so it imports no project code).
// Each test file then gets its own database, cloned from a migrated template that the
// first worker builds (see helpers/database.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export default async function globalSetup(): Promise<void> {
  process.env.TEST_RUN_ID = `${process.pid}_${randomBytes(3).toString('hex')}`;
  if (!process.env.TEST_DATABASE_URL) return;
  const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await server.connect();
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL is set but Postgres is not reachable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  await server.end();
}
