import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfig, loadDotEnv } from './config/config.js';

/**
 * `npm run worker`: a process that only runs background jobs — the application context
 * without HTTP, so every feature registers its queues and housekeeping as in the API, and
 * JOBS_WORKERS is forced on. On SIGTERM/SIGINT it stops taking jobs and lets running ones
 * finish (JOBS_SHUTDOWN_TIMEOUT_MS) before it exits.
 */
async function bootstrap(): Promise<void> {
  loadDotEnv();
  const loaded = loadConfig();
  const config = { ...loaded, jobs: { ...loaded.jobs, workers: true } };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
    ...(config.logLevel === 'silent' && { logger: false }),
  });
  if (config.logLevel !== 'silent') app.useLogger(app.get(NestPinoLogger));
  app.enableShutdownHooks();
  Logger.log(`brokerage-crm worker running jobs (${config.database.url ? 'Postgres' : 'embedded database'})`, 'Worker');
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`brokerage-crm worker failed to start: ${message}\n`);
  process.exit(1);
});
