// `npm run openapi`: regenerates the committed openapi.json from the controllers.
// No database is opened: the document needs only the module graph, not app.init().
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { createApp } from './app.factory.js';
import { loadConfig } from './config/config.js';
import { buildOpenApiDocument } from './openapi.js';

export const OPENAPI_FILE = resolve(import.meta.dirname, '../openapi.json');

/** The config used only to build the document: nothing is read from the environment. */
export const documentConfig = () =>
  loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LOCAL_AUTH_JWT_SECRET: 'x'.repeat(32),
    DATA_DIR: '/nonexistent',
  });

export async function renderOpenApi(): Promise<string> {
  const app = await createApp(documentConfig());
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const log = pino({ name: 'openapi' });
  renderOpenApi()
    .then((doc) => {
      writeFileSync(OPENAPI_FILE, doc);
      log.info(`wrote ${OPENAPI_FILE}`);
    })
    .catch((error: unknown) => {
      log.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}
