import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { HousekeepingService } from '../jobs/housekeeping.service.js';
import { LeadScoringRepository } from './lead-scoring.repository.js';

/** Recency lapses with time, not with a write: once a day, the leads it may have lapsed for are rescored. */
@Injectable()
export class LeadScoringHousekeeping implements OnModuleInit {
  constructor(
    private readonly housekeeping: HousekeepingService,
    private readonly db: TenantDb,
    private readonly scoring: LeadScoringRepository,
  ) {}

  onModuleInit(): void {
    this.housekeeping.register({
      name: 'housekeeping.lead-recency',
      cron: '37 4 * * *',
      run: () => this.db.runTrusted({}, () => this.scoring.rescoreLapsedRecency()),
    });
  }
}
