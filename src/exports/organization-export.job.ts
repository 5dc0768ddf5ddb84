import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { errorMessage } from '../jobs/job-options.js';
import { JobQueue } from '../jobs/job-queue.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { FILES_STORAGE, type StorageDriver } from '../storage/storage.driver.js';
import { ARCHIVE_OMISSIONS, ARCHIVE_TABLES, type ArchiveTable } from './archive-tables.js';
import { ORGANIZATION_EXPORT_JOB, type OrganizationExportJobData } from './organization-exports.service.js';
import { type OrganizationExportRow, OrganizationExportsRepository } from './organization-exports.repository.js';
import { type TarEntry, tarStream } from './tar.js';

interface WrittenFile {
  name: string;
  path: string;
  rows: number;
  bytes: number;
}

/** JSON for a row read by the SQL layer: int8 columns come back as bigint, which JSON.stringify refuses. */
const json = (row: object): string =>
  JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

/**
 * Writes an organization's archive, as the `exports.organization` job: claim the request
 * (running), read every table of ARCHIVE_TABLES in ONE read-only snapshot unit of work as
 * the organization's ADMIN into NDJSON files in a temporary directory, then — with no
 * transaction open — stream them as a .tar.gz to the storage driver, and record the outcome
 * and notify the ADMIN who asked. A failure is recorded as `failed` (its message only) and
 * notified; the ADMIN may ask again.
 */
@Injectable()
export class OrganizationExportJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrganizationExportJob.name);

  constructor(
    private readonly db: TenantDb,
    private readonly exports: OrganizationExportsRepository,
    private readonly notifications: NotificationsService,
    @Inject(FILES_STORAGE) private readonly storage: StorageDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(JobQueue) private readonly queue?: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue?.work<OrganizationExportJobData>(ORGANIZATION_EXPORT_JOB, (job) =>
      this.run(job.data.organizationId, job.data.exportId),
    );
  }

  async run(orgId: string, exportId: string): Promise<void> {
    const asAdmin = <T>(fn: () => Promise<T>) => this.db.runTrusted({ orgId, role: 'ADMIN' }, fn);
    const row = await asAdmin(() => this.exports.start(exportId));
    if (!row) return; // finished already (a duplicate job), or gone with its organization
    const dir = await mkdtemp(join(tmpdir(), 'crm-export-'));
    try {
      const files = await this.db.runTrusted({ orgId, role: 'ADMIN' }, () => this.dump(dir), {
        mode: 'snapshot',
        timeoutMs: this.config.database.exportTimeoutMs,
      });
      const key = `exports/${orgId}/${exportId}.tar.gz`;
      const sizeBytes = await this.store(key, row, files);
      const rowCounts = Object.fromEntries(files.map((f) => [f.name, f.rows]));
      await asAdmin(async () => {
        await this.exports.finish(exportId, { status: 'completed', fileKey: key, sizeBytes, rowCounts });
        await this.notify(row, 'ORGANIZATION_EXPORT_COMPLETED');
      });
    } catch (error) {
      this.logger.warn(`Organization export ${exportId} failed: ${errorMessage(error)}`);
      await asAdmin(async () => {
        await this.exports.finish(exportId, { status: 'failed', error: errorMessage(error) });
        await this.notify(row, 'ORGANIZATION_EXPORT_FAILED');
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Every archive table into its NDJSON file under `dir`, in the open snapshot unit of work. */
  private async dump(dir: string): Promise<WrittenFile[]> {
    const files: WrittenFile[] = [];
    for (const table of ARCHIVE_TABLES) files.push(await this.dumpTable(dir, table));
    return files;
  }

  private async dumpTable(dir: string, table: ArchiveTable): Promise<WrittenFile> {
    const path = join(dir, table.file);
    const out = createWriteStream(path, { mode: 0o600 });
    let rows = 0;
    let bytes = 0;
    try {
      for await (const batch of this.exports.tableBatches(table)) {
        let chunk = '';
        for (const row of batch) chunk += `${json(row)}\n`;
        rows += batch.length;
        bytes += Buffer.byteLength(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
    } finally {
      out.end();
      await finished(out);
    }
    return { name: table.file, path, rows, bytes };
  }

  /** The files and a manifest as a .tar.gz, streamed to storage; resolves with the bytes stored. */
  private async store(key: string, row: OrganizationExportRow, files: WrittenFile[]): Promise<number> {
    const manifest = Buffer.from(
      `${JSON.stringify(
        {
          organizationId: row.organizationId,
          exportId: row.id,
          requestedAt: row.createdAt.toISOString(),
          format: 'One NDJSON file per table: one JSON object per line, fields named as the API names them.',
          files: files.map((f) => ({ name: f.name, rows: f.rows, bytes: f.bytes })),
          omitted: ARCHIVE_OMISSIONS,
        },
        null,
        2,
      )}\n`,
    );
    const entries: TarEntry[] = [
      { name: 'manifest.json', size: manifest.length, source: manifest },
      ...files.map((f) => ({ name: f.name, size: f.bytes, source: f.path })),
    ];
    // A retried job (its process died mid-upload) may find its own partial object: never another's.
    await this.storage.delete(key);
    const archive = pipeline(tarStream(entries), createGzip(), () => undefined);
    return this.storage.put(key, archive, 'application/gzip');
  }

  private async notify(
    row: OrganizationExportRow,
    type: 'ORGANIZATION_EXPORT_COMPLETED' | 'ORGANIZATION_EXPORT_FAILED',
  ): Promise<void> {
    if (!row.createdById) return;
    const done = type === 'ORGANIZATION_EXPORT_COMPLETED';
    await this.notifications.notify({
      userId: row.createdById,
      type,
      title: done ? 'Your organization export is ready' : 'Your organization export failed',
      body: done
        ? `Download it from GET /v1/exports/organization/${row.id} (each link it gives expires).`
        : `Ask for another with POST /v1/exports/organization; the reason is in GET /v1/exports/organization/${row.id}.`,
      data: { exportId: row.id },
    });
  }
}
