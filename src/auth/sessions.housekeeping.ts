import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { HousekeepingService } from '../jobs/housekeeping.service.js';
import { SessionsRepository } from './sessions.repository.js';

/** Rows of each kind one round deletes at most: a backlog is worked off over several rounds. */
const BATCH = 10_000;

/** Keeps the session tables small: a refresh every 15 minutes adds a row (migration 20261206260000). */
@Injectable()
export class SessionsHousekeeping implements OnModuleInit {
  constructor(
    private readonly db: TenantDb,
    private readonly sessions: SessionsRepository,
    private readonly housekeeping: HousekeepingService,
  ) {}

  onModuleInit(): void {
    this.housekeeping.register({
      name: 'housekeeping.auth-sessions',
      cron: '47 3 * * *',
      run: () => this.purge(),
    });
  }

  purge(): Promise<number> {
    return this.db.runTrusted({}, () => this.sessions.purge(BATCH));
  }
}
