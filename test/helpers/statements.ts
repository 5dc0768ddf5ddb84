import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DatabaseService } from '../../src/database/database.service.js';
import type { Opening, UnitOfWork } from '../../src/database/unit-of-work.js';

export interface StatementCounter {
  /** Runs fn (requests, one at a time) and returns the statements their units of work sent. */
  count(fn: () => Promise<unknown>): Promise<number>;
  restore(): void;
}

/**
 * Counts the statements the app sends to the database, through the app's own DI: every unit
 * of work opens its transaction with DatabaseService.begin(), and counts what is sent on it
 * both ways (the SQL layer and Prisma) — the same on PGlite and Postgres. BEGIN and COMMIT
 * are not counted. Requests must not overlap while counting.
 */
export function countStatements(app: NestFastifyApplication): StatementCounter {
  const database = app.get(DatabaseService);
  const begin = database.begin.bind(database);
  let units: UnitOfWork[] = [];
  database.begin = async <R>(opening: Opening) => {
    const opened = await begin<R>(opening);
    units.push(opened.uow);
    return opened;
  };
  return {
    async count(fn) {
      units = [];
      await fn();
      return units.reduce((sum, uow) => sum + uow.statementsSent, 0);
    },
    restore() {
      Reflect.deleteProperty(database, 'begin'); // the prototype's method again
    },
  };
}
