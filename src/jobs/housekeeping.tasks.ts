import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { IdempotencyRepository } from '../idempotency/idempotency.repository.js';
import { STORAGE_DRIVER, type StorageDriver } from '../storage/storage.driver.js';
import { HousekeepingRepository } from './housekeeping.repository.js';
import { HousekeepingService } from './housekeeping.service.js';
import { errorMessage } from './job-options.js';

/** Rows one round deletes at most: a backlog is worked off over several rounds, never in one long transaction. */
const BATCH = 10_000;
/** Objects one round deletes at most (each is a storage call). */
const STORAGE_BATCH = 500;
/**
 * How long a deleted attachment's object is left before the cleanup deletes it: the
 * attachment service deletes it at once; this only catches what that could not.
 */
const STORAGE_GRACE_SECONDS = 15 * 60;

/** The housekeeping of issue 16 part 5 that existed before the runner: expiries, retention, orphans. */
@Injectable()
export class HousekeepingTasks implements OnModuleInit {
  private readonly logger = new Logger('Housekeeping');

  constructor(
    private readonly housekeeping: HousekeepingService,
    private readonly db: TenantDb,
    private readonly repository: HousekeepingRepository,
    private readonly idempotency: IdempotencyRepository,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  onModuleInit(): void {
    this.housekeeping.register({
      name: 'housekeeping.idempotency-keys',
      cron: '7 * * * *',
      run: () => this.db.runTrusted({}, () => this.idempotency.purgeExpired()),
    });
    this.housekeeping.register({
      name: 'housekeeping.audit-retention',
      cron: '17 3 * * *',
      run: () => this.db.runTrusted({}, () => this.repository.purgeAuditLog(BATCH)),
    });
    this.housekeeping.register({
      name: 'housekeeping.orphaned-attachments',
      cron: '*/30 * * * *',
      run: () => this.deleteOrphanedObjects(),
    });
  }

  /**
   * Deletes the objects of attachment rows that are gone (storage_deletions, filled by a
   * trigger), then forgets them; an object storage refuses now stays queued for the next round.
   * The storage calls run between two short units of work, never inside one.
   */
  async deleteOrphanedObjects(): Promise<number> {
    const due = await this.db.runTrusted({}, () =>
      this.repository.storageDeletionsDue(STORAGE_GRACE_SECONDS, STORAGE_BATCH),
    );
    const deleted: string[] = [];
    for (const path of due) {
      try {
        await this.storage.delete(path);
        deleted.push(path);
      } catch (error) {
        this.logger.warn(`Could not delete the orphaned object ${path}: ${errorMessage(error)}`);
      }
    }
    if (!deleted.length) return 0;
    return this.db.runTrusted({}, () => this.repository.storageDeletionsDone(deleted));
  }
}
