import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { HousekeepingService } from '../jobs/housekeeping.service.js';
import { EventsRepository } from './events.repository.js';

/** The outbox's retention and the stream tokens' expiry, as a daily job. */
@Injectable()
export class EventsHousekeeping implements OnModuleInit {
  constructor(
    private readonly housekeeping: HousekeepingService,
    private readonly db: TenantDb,
    private readonly events: EventsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.housekeeping.register({
      name: 'housekeeping.events',
      cron: '27 3 * * *',
      run: async () => {
        const { events, tokens } = await this.db.runTrusted({}, () =>
          this.events.purge(this.config.events.retentionDays),
        );
        return events + tokens;
      },
    });
  }
}
