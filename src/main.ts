import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, loadDotEnv } from './config/config.js';
import { createApp } from './app.factory.js';

async function bootstrap(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const where = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  Logger.log(`brokerage-crm listening on ${where} — Swagger UI at ${where}/docs`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  // Config errors are the user's to fix: say which variable, without a stack trace.
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`brokerage-crm failed to start: ${message}\n`);
  process.exit(1);
});
