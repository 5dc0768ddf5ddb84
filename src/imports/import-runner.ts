import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ImportTarget, RecordImporter, RowOutcome } from '../common/import-rows.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import type { Job } from '../jobs/job-queue.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { FILES_STORAGE, type StorageDriver } from '../storage/storage.driver.js';
import { type ImportMapping, toImportInput } from './import-mapping.js';
import { IMPORT_RETRY_LIMIT, ImportJobs, type RunImportData } from './import-jobs.js';
import { MAX_RECORDED_ERRORS } from './import-limits.js';
import { SourceError, type SourceRecord } from './import-source.js';
import { ImportTargets } from './import-targets.js';
import {
  type BatchTally,
  type ImportJobRow,
  ImportsRepository,
  type LogLine,
  type RowError,
} from './imports.repository.js';
import { ImportSourceReader } from './import-source-reader.js';

/** How often an import refreshes its target table's planner statistics, in batches (and after the first). */
const ANALYZE_EVERY_BATCHES = 20;

/** Why a batch did not commit: the job was paused or cancelled meanwhile. */
type BatchResult = 'committed' | 'stopped';
/** How a run ended: at the end of the source, stopped (paused, cancelled), or out of time for this slice. */
type RunResult = 'done' | 'stopped' | 'continued';

/**
 * Runs an import as the `imports.run` job: reads the source from the job's checkpoint and
 * writes IMPORT_BATCH_SIZE rows per transaction, each with the job's counters and new
 * checkpoint, so a crash between batches loses nothing and repeats nothing. The job row is
 * locked by each batch: a pause or cancel takes effect between two batches. No transaction
 * is open while the source is read. A run that has written for IMPORT_JOB_SLICE_SECONDS hands
 * the rest to a new job, which starts from the checkpoint as a retry would: no job outlives
 * the runner's expiry, however long the import.
 */
@Injectable()
export class ImportRunner {
  private readonly logger = new Logger(ImportRunner.name);
  /** RESO: how far each running job has read (the source's next sync starts after it). */
  private readonly synced = new Map<string, { syncedUpTo: Date | null }>();

  constructor(
    private readonly db: TenantDb,
    private readonly imports: ImportsRepository,
    private readonly targets: ImportTargets,
    private readonly reader: ImportSourceReader,
    private readonly notifications: NotificationsService,
    private readonly jobs: ImportJobs,
    @Inject(FILES_STORAGE) private readonly storage: StorageDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A seam for tests (a crash between batches): called after each committed batch. */
  afterBatch(_importId: string, _batch: number): Promise<void> {
    return Promise.resolve();
  }

  async run(job: Job<RunImportData>): Promise<void> {
    const { organizationId: orgId, importId } = job.data;
    const first = await this.db.runTrusted({ orgId, role: 'MANAGER' }, () => this.imports.find(importId));
    if (first?.status !== 'running') return;
    const asCreator = <T>(fn: () => Promise<T>) =>
      this.db.runTrusted({ orgId, userId: first.createdById ?? undefined, role: 'MANAGER' }, fn);
    try {
      const result = await this.process(first, asCreator);
      if (result === 'done') await this.finish(first, asCreator);
      if (result === 'continued') await this.continueLater(orgId, first, asCreator);
      this.synced.delete(importId);
    } catch (error) {
      this.synced.delete(importId);
      const message = error instanceof SourceError ? error.message : 'The import stopped on an unexpected error';
      if (!(error instanceof SourceError)) this.logger.error({ err: error, importId }, 'Import attempt failed');
      if (!(error instanceof SourceError) && job.retryCount < IMPORT_RETRY_LIMIT) {
        await asCreator(() =>
          this.imports.log(importId, [{ level: 'warning', message: `${message}; retrying from the checkpoint` }]),
        );
        throw error;
      }
      await this.fail(first, message, asCreator);
    }
  }

  /** Every batch from the checkpoint on, until the end of the source, a pause or cancel, or the end of the slice. */
  private async process(job: ImportJobRow, asCreator: <T>(fn: () => Promise<T>) => Promise<T>): Promise<RunResult> {
    const importer = this.targets.get(job.target as ImportTarget);
    const { batchSize: size, sliceMs } = this.config.imports;
    const sliceEnds = Date.now() + sliceMs;
    let stream: Readable | undefined;
    try {
      const source = await asCreator(() => this.reader.loadSource(job));
      const { records, opened, progress } = await this.reader.open(job, source);
      this.synced.set(job.id, progress);
      stream = opened;
      let batch: SourceRecord[] = [];
      let n = 0;
      for await (const record of records) {
        if (record.row <= job.checkpointRow) continue;
        batch.push(record);
        if (batch.length < size) continue;
        if ((await asCreator(() => this.commit(job, importer, batch))) === 'stopped') return 'stopped';
        // The table grows faster than autovacuum's statistics follow: refresh them as a bulk
        // loader does, or the duplicate lookup is planned for an empty table.
        if (++n === 1 || n % ANALYZE_EVERY_BATCHES === 0)
          await asCreator(() => this.imports.analyzeTarget(job.target as ImportTarget));
        await this.afterBatch(job.id, n);
        batch = [];
        if (Date.now() >= sliceEnds) return 'continued';
      }
      if (batch.length && (await asCreator(() => this.commit(job, importer, batch))) === 'stopped') return 'stopped';
      return 'done';
    } finally {
      stream?.destroy();
    }
  }

  /** Validates and writes one batch with the job's new counters and checkpoint, in the caller's transaction. */
  private async commit(job: ImportJobRow, importer: RecordImporter, records: SourceRecord[]): Promise<BatchResult> {
    const current = await this.imports.lock(job.id);
    if (current?.status !== 'running') return 'stopped';
    // Another attempt of this job may have committed some of these rows already.
    const fresh = records.filter((r) => r.row > current.checkpointRow);
    if (!fresh.length) return 'committed';
    const errors: RowError[] = [];
    const valid: { row: number; input: object }[] = [];
    for (const r of fresh) {
      const { input, errors: problems } = toImportInput(importer, job.mapping as ImportMapping, r.values);
      if (problems.length) errors.push(...problems.map((p) => ({ ...p, row: r.row })));
      else valid.push({ row: r.row, input });
    }
    const outcomes: RowOutcome[] = await importer.write(valid, job.duplicatePolicy as 'skip');
    for (const o of outcomes) if (o.result === 'failed' && o.error) errors.push({ ...o.error, row: o.row });
    const count = (result: RowOutcome['result']) => outcomes.filter((o) => o.result === result).length;
    const failedRows = new Set(errors.map((e) => e.row)).size;
    const tally: BatchTally = {
      rowsRead: fresh.length,
      created: count('created'),
      updated: count('updated'),
      skipped: count('skipped'),
      failed: failedRows,
      checkpointRow: fresh[fresh.length - 1].row,
      ...(fresh[fresh.length - 1].cursor !== undefined && { cursor: fresh[fresh.length - 1].cursor }),
    };
    const room = Math.max(0, MAX_RECORDED_ERRORS - current.rowsFailed);
    const logs: LogLine[] = [
      {
        level: 'info',
        message: `Rows ${fresh[0].row}–${tally.checkpointRow}: ${tally.created} created, ${tally.updated} updated, ${tally.skipped} skipped, ${tally.failed} failed`,
      },
      ...(failedRows
        ? [{ level: 'warning' as const, message: `${failedRows} rows refused (GET /v1/imports/${job.id}/errors)` }]
        : []),
    ];
    await this.imports.recordBatch(job.id, tally, errors.slice(0, room), logs);
    return 'committed';
  }

  /** Out of time for this run: a new job continues from the checkpoint just committed. */
  private async continueLater(
    orgId: string,
    job: ImportJobRow,
    asCreator: <T>(fn: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    await asCreator(async () => {
      const current = await this.imports.find(job.id);
      const message = `Continuing in a new job from row ${(current?.checkpointRow ?? 0) + 1}`;
      await this.imports.log(job.id, [{ level: 'debug', message }]);
    });
    await this.jobs.run(orgId, job.id);
  }

  private async finish(job: ImportJobRow, asCreator: <T>(fn: () => Promise<T>) => Promise<T>): Promise<void> {
    const finished = await asCreator(async () => {
      const current = await this.imports.lock(job.id);
      if (current?.status !== 'running') return null;
      await this.imports.log(job.id, [{ level: 'info', message: `Completed: ${current.rowsRead} rows read` }]);
      const row = await this.imports.setStatus(job.id, 'completed', 'import.completed', { finishedAt: new Date() });
      await this.reader.recordRun(row, this.synced.get(job.id)?.syncedUpTo ?? null);
      if (row.createdById) {
        await this.notifications.deliver([
          {
            userId: row.createdById,
            type: 'IMPORT_COMPLETED',
            title: `Import completed: ${row.rowsCreated} created, ${row.rowsUpdated} updated, ${row.rowsSkipped} skipped, ${row.rowsFailed} failed`,
            data: { importId: row.id },
          },
        ]);
      }
      return row;
    });
    if (finished?.filePath) await this.removeFile(finished.filePath);
  }

  private async fail(
    job: ImportJobRow,
    message: string,
    asCreator: <T>(fn: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    await asCreator(async () => {
      const current = await this.imports.lock(job.id);
      if (current?.status !== 'running') return;
      await this.imports.log(job.id, [{ level: 'error', message }]);
      const row = await this.imports.setStatus(job.id, 'failed', 'import.failed', {
        error: message,
        finishedAt: new Date(),
      });
      await this.reader.recordRun(row, null);
      if (row.createdById) {
        await this.notifications.deliver([
          {
            userId: row.createdById,
            type: 'IMPORT_FAILED',
            title: `Import failed: ${message}`,
            data: { importId: row.id },
          },
        ]);
      }
    });
  }

  async removeFile(path: string): Promise<void> {
    await this.storage.delete(path).catch((error: unknown) => {
      this.logger.warn({ err: error, path }, 'Could not delete an import file; it is orphaned');
    });
  }
}
