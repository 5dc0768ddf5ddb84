import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DatabaseService } from '../../src/database/database.service.js';
import type { SqlLane } from '../../src/database/sql-lane.js';

export interface StatementCounter {
  /** Runs fn (requests, one at a time) and returns the statements their units of work sent. */
  count(fn: () => Promise<unknown>): Promise<number>;
  restore(): void;
}

/**
 * Counts the statements the app sends to the database, through the app's own DI: every unit
 * of work opens its transaction with DatabaseService.begin(), and its SqlLane counts what it
 * sends both ways (the SQL lane and Prisma) — the same on PGlite and Postgres. BEGIN and
 * COMMIT are not counted. Requests must not overlap while counting.
 */
export function countStatements(app: NestFastifyApplication): StatementCounter {
  const database = app.get(DatabaseService);
  const begin = database.begin.bind(database);
  let lanes: SqlLane[] = [];
  database.begin = async () => {
    const lane = await begin();
    lanes.push(lane);
    return lane;
  };
  return {
    async count(fn) {
      lanes = [];
      await fn();
      return lanes.reduce((sum, lane) => sum + lane.statementsSent, 0);
    },
    restore() {
      Reflect.deleteProperty(database, 'begin'); // the prototype's method again
    },
  };
}
