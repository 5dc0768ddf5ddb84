import { Inject, Injectable, Optional } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { JobQueue } from '../jobs/job-queue.js';
import { FILES_STORAGE, type StorageDriver } from '../storage/storage.driver.js';
import type { SignedUrlOutput } from '../tickets/dto/ticket.output.js';
import type { OrganizationExportOutput, OrganizationExportStatus } from './dto/organization-export.output.js';
import { type OrganizationExportRow, OrganizationExportsRepository } from './organization-exports.repository.js';

/** The job that writes an organization's archive (organization-export.job.ts). */
export const ORGANIZATION_EXPORT_JOB = 'exports.organization';

export interface OrganizationExportJobData {
  organizationId: string;
  exportId: string;
}

export const toOrganizationExportOutput = (
  row: OrganizationExportRow,
  download: SignedUrlOutput | null,
): OrganizationExportOutput => ({
  id: row.id,
  status: row.status as OrganizationExportStatus,
  createdById: row.createdById,
  createdAt: row.createdAt.toISOString(),
  startedAt: row.startedAt?.toISOString() ?? null,
  completedAt: row.completedAt?.toISOString() ?? null,
  sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
  rowCounts: (row.rowCounts as Record<string, number> | null) ?? null,
  error: row.error,
  download,
});

/** The archive's name offered to the browser. */
export const archiveName = (row: OrganizationExportRow): string =>
  `organization-${row.createdAt.toISOString().slice(0, 10)}.tar.gz`;

/** POST and GET /v1/exports/organization: requests an archive, and reports on it (docs/exports.md). */
@Injectable()
export class OrganizationExportsService {
  constructor(
    private readonly db: TenantDb,
    private readonly exports: OrganizationExportsRepository,
    @Inject(FILES_STORAGE) private readonly storage: StorageDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(JobQueue) private readonly queue?: JobQueue,
  ) {}

  /** Records the request (pending) and enqueues its job once that has committed. */
  request(): Promise<OrganizationExportOutput> {
    return this.db.run(async () => {
      const row = await this.exports.create(this.db.userId);
      const data: OrganizationExportJobData = { organizationId: row.organizationId, exportId: row.id };
      // After the commit: on the embedded database a job sent inside the unit of work joins it.
      this.db.afterCommit(async () => {
        await this.queue?.send(ORGANIZATION_EXPORT_JOB, data, { organizationId: row.organizationId, retryLimit: 1 });
      });
      return toOrganizationExportOutput(row, null);
    });
  }

  /** The export's state; a completed one with a fresh signed URL (signed after the unit of work: it may be a network call). */
  async get(id: string): Promise<OrganizationExportOutput> {
    const row = await this.db.run(async () => {
      const found = await this.exports.find(id);
      if (!found) throw new NotFound('Export');
      return found;
    });
    if (row.status !== 'completed' || !row.fileKey) return toOrganizationExportOutput(row, null);
    const signed = await this.storage.signedUrl(row.fileKey, this.config.storage.signedUrlTtlSeconds, {
      contentType: 'application/gzip',
      downloadName: archiveName(row),
    });
    return toOrganizationExportOutput(row, { url: signed.url, expiresAt: signed.expiresAt.toISOString() });
  }
}
