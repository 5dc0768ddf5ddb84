import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { ErrorDetail } from '../common/errors.js';
import type { DuplicatePolicy, ImportTarget } from '../common/import-rows.js';
import { skipTake, type PageQuery } from '../common/pagination.js';
import { TenantRepository } from '../database/tenant-repository.js';
import type { ImportJob } from '../generated/prisma/client.js';
import { LOG_LEVELS, type LogLevel } from './dto/import.output.js';
import type { ImportStatus } from './import-status.js';

export type ImportJobRow = Omit<ImportJob, 'organizationId'>;

export interface NewImportJob {
  target: ImportTarget;
  mapping: Record<string, string>;
  duplicatePolicy: DuplicatePolicy;
  dataSourceId?: string | null;
  filePath?: string | null;
  fileName?: string | null;
}

/** What one committed batch adds to a job. */
export interface BatchTally {
  rowsRead: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** The last row of the batch: the job's new checkpoint. */
  checkpointRow: number;
  /** A JSON API's next page, when the source pages. */
  cursor?: string | null;
}

export interface RowError extends ErrorDetail {
  row: number;
}

export interface LogLine {
  level: LogLevel;
  message: string;
}

export type ImportEvent =
  'import.started' | 'import.progress' | 'import.paused' | 'import.completed' | 'import.failed' | 'import.cancelled';

const OMIT = { organizationId: true } as const;

/** import_jobs, import_logs and import_errors: the organization's ADMINs and MANAGERs (RLS). */
@Injectable()
export class ImportsRepository extends TenantRepository {
  create(job: NewImportJob): Promise<ImportJobRow> {
    return this.db.tx.importJob.create({
      data: { ...job, organizationId: this.orgId, createdById: this.db.context.userId ?? null },
      omit: OMIT,
    });
  }

  list(query: PageQuery): Promise<[ImportJobRow[], number]> {
    const where = { organizationId: this.orgId };
    return Promise.all([
      this.db.tx.importJob.findMany({
        where,
        omit: OMIT,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        ...skipTake(query),
      }),
      this.db.tx.importJob.count({ where }),
    ]);
  }

  find(id: string): Promise<ImportJobRow | null> {
    return this.db.tx.importJob.findFirst({ where: { id, organizationId: this.orgId }, omit: OMIT });
  }

  /** The job, locked until commit: a transition and a batch never interleave. */
  async lock(id: string): Promise<ImportJobRow | null> {
    const row = await this.db.sql
      .selectFrom('import_jobs')
      .selectAll()
      .where('organizationId', '=', this.orgId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return null;
    const { organizationId: _org, ...rest } = row;
    return rest;
  }

  /** Names this transaction's change of import_jobs for the events trigger (app.emit_event). */
  private async nameChange(event: ImportEvent): Promise<void> {
    await sql`SELECT set_config('app.change_reason', ${event}, true)`.execute(this.db.sql);
  }

  async setStatus(
    id: string,
    status: ImportStatus,
    event: ImportEvent,
    extra: { error?: string | null; startedAt?: Date; finishedAt?: Date | null } = {},
  ): Promise<ImportJobRow> {
    await this.nameChange(event);
    const row = await this.db.tx.importJob.update({
      where: { id, organizationId: this.orgId },
      data: { status, ...extra },
      omit: OMIT,
    });
    return row;
  }

  /** A batch's counters and checkpoint, with its errors and log lines: the caller's transaction commits them with the batch. */
  async recordBatch(id: string, tally: BatchTally, errors: RowError[], logs: LogLine[]): Promise<void> {
    await this.nameChange('import.progress');
    await this.db.sql
      .updateTable('import_jobs')
      .set((eb) => ({
        rowsRead: eb('rowsRead', '+', tally.rowsRead),
        rowsCreated: eb('rowsCreated', '+', tally.created),
        rowsUpdated: eb('rowsUpdated', '+', tally.updated),
        rowsSkipped: eb('rowsSkipped', '+', tally.skipped),
        rowsFailed: eb('rowsFailed', '+', tally.failed),
        checkpointRow: tally.checkpointRow,
        ...(tally.cursor !== undefined && { cursor: tally.cursor }),
      }))
      .where('organizationId', '=', this.orgId)
      .where('id', '=', id)
      .execute();
    await this.addErrors(id, errors);
    await this.log(id, logs);
  }

  async addErrors(id: string, errors: RowError[]): Promise<void> {
    if (!errors.length) return;
    await this.db.sql
      .insertInto('import_errors')
      .values(
        errors.map((e) => ({
          organizationId: this.orgId,
          jobId: id,
          rowNumber: e.row,
          field: e.field?.slice(0, 200) ?? null,
          message: e.message.slice(0, 1000),
        })),
      )
      .execute();
  }

  async errorCount(id: string): Promise<number> {
    const row = await this.db.sql
      .selectFrom('import_errors')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('organizationId', '=', this.orgId)
      .where('jobId', '=', id)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  /** Refreshes the target table's planner statistics (migration 20261206150000_import_statistics). */
  async analyzeTarget(target: ImportTarget): Promise<void> {
    await sql`SELECT app.analyze_import_target(${target})`.execute(this.db.sql);
  }

  async log(id: string, lines: LogLine[]): Promise<void> {
    if (!lines.length) return;
    await this.db.sql
      .insertInto('import_logs')
      .values(
        lines.map((l) => ({
          organizationId: this.orgId,
          jobId: id,
          level: l.level,
          message: l.message.slice(0, 2000),
        })),
      )
      .execute();
  }

  logs(
    id: string,
    query: PageQuery & { level?: LogLevel },
  ): Promise<[{ id: bigint; level: string; message: string; createdAt: Date }[], number]> {
    const levels = query.level ? LOG_LEVELS.slice(LOG_LEVELS.indexOf(query.level)) : [...LOG_LEVELS];
    const where = { organizationId: this.orgId, jobId: id, level: { in: levels } };
    return Promise.all([
      this.db.tx.importLog.findMany({
        where,
        select: { id: true, level: true, message: true, createdAt: true },
        orderBy: { id: 'asc' },
        ...skipTake(query),
      }),
      this.db.tx.importLog.count({ where }),
    ]);
  }

  errors(
    id: string,
    query: PageQuery,
  ): Promise<[{ rowNumber: number; field: string | null; message: string }[], number]> {
    const where = { organizationId: this.orgId, jobId: id };
    return Promise.all([
      this.db.tx.importError.findMany({
        where,
        select: { rowNumber: true, field: true, message: true },
        orderBy: [{ rowNumber: 'asc' }, { id: 'asc' }],
        ...skipTake(query),
      }),
      this.db.tx.importError.count({ where }),
    ]);
  }

  /** Up to `limit` errors after error id `after`, for the CSV export (keyset: memory stays flat). */
  errorsAfter(
    id: string,
    after: bigint,
    limit: number,
  ): Promise<{ id: bigint; rowNumber: number; field: string | null; message: string }[]> {
    return this.db.tx.importError.findMany({
      where: { organizationId: this.orgId, jobId: id, id: { gt: after } },
      select: { id: true, rowNumber: true, field: true, message: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }
}
