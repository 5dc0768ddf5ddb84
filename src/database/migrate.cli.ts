// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL, or to the
// embedded database under DATA_DIR when DATABASE_URL is unset.
import { pino } from 'pino';
import { loadConfig, loadDotEnv } from '../config/config.js';
import { migrate } from './migrator.js';
import { openPglite, pgliteSession, pgSession, type SqlSession } from './sql-session.js';
import { embeddedDataPath } from './database.service.js';

const log = pino({ name: 'db:migrate', level: 'info' });

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const session: SqlSession = config.database.url
    ? await pgSession(config.database.url)
    : pgliteSession(await openPglite(embeddedDataPath(config.dataDir)), true);
  try {
    const { applied, skipped } = await migrate(session);
    log.info({ applied, alreadyApplied: skipped }, applied.length ? 'migrations applied' : 'database is up to date');
  } finally {
    await session.close();
  }
}

main().catch((error: unknown) => {
  log.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
