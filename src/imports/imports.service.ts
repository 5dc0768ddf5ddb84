import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DetailCode, NotFound, ValidationFailed } from '../common/errors.js';
import { type Page, pageOf, type PageQuery } from '../common/pagination.js';
import { validateAs } from '../common/validation.js';
import { TenantDb } from '../database/tenant-db.js';
import type { IncomingFile, IncomingPart, NextParts } from '../storage/multipart.js';
import { FILES_STORAGE, type StorageDriver } from '../storage/storage.driver.js';
import { AttachmentTooLarge } from '../storage/storage.errors.js';
import { CreateImportInput, UploadImportFields } from './dto/create-import.input.js';
import type { DryRunOutput, ImportErrorOutput, ImportLogOutput, ImportOutput, LogLevel } from './dto/import.output.js';
import type { ListImportLogsQuery } from './dto/list-import-logs.query.js';
import { ImportJobs } from './import-jobs.js';
import { DRY_RUN_ROWS, MAX_IMPORT_FILE_BYTES, MAX_RECORDED_ERRORS } from './import-limits.js';
import { mappingProblems, toImportInput } from './import-mapping.js';
import { csvRecords, SourceError } from './import-source.js';
import { type ImportAction, type ImportStatus, nextStatus } from './import-status.js';
import { ImportTargets } from './import-targets.js';
import { ImportSourceReader } from './import-source-reader.js';
import { type ImportJobRow, ImportsRepository } from './imports.repository.js';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export const toImportOutput = (j: ImportJobRow): ImportOutput => ({
  id: j.id,
  status: j.status as ImportStatus,
  target: j.target as ImportOutput['target'],
  duplicatePolicy: j.duplicatePolicy as ImportOutput['duplicatePolicy'],
  mapping: j.mapping as Record<string, string>,
  dataSourceId: j.dataSourceId,
  fileName: j.fileName,
  progress: {
    rowsRead: j.rowsRead,
    created: j.rowsCreated,
    updated: j.rowsUpdated,
    skipped: j.rowsSkipped,
    failed: j.rowsFailed,
    checkpointRow: j.checkpointRow,
  },
  error: j.error,
  createdById: j.createdById,
  startedAt: iso(j.startedAt),
  finishedAt: iso(j.finishedAt),
  createdAt: j.createdAt.toISOString(),
  updatedAt: j.updatedAt.toISOString(),
});

const EVENTS = {
  start: 'import.started',
  pause: 'import.paused',
  resume: 'import.started',
  cancel: 'import.cancelled',
} as const;

/** A CSV cell, quoted when it must be (RFC 4180), and never read as a formula by a spreadsheet. */
const csvCell = (value: string): string => {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Import jobs (docs/imports.md): created from an upload or a data source, run by ImportRunner. */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly imports: ImportsRepository,
    private readonly targets: ImportTargets,
    private readonly jobs: ImportJobs,
    private readonly reader: ImportSourceReader,
    @Inject(FILES_STORAGE) private readonly storage: StorageDriver,
  ) {}

  /** A CSV upload (multipart) or an import from a data source (JSON), in state pending. */
  async create(body: unknown, parts: NextParts): Promise<ImportOutput> {
    if (parts) return this.createFromUpload(parts);
    const [input, errors] = validateAs(CreateImportInput, (body ?? {}) as object);
    if (errors.length) throw new ValidationFailed(errors);
    return this.db.run(async () => {
      const job = await this.reader.prepareFromSource(input, this.targets);
      return toImportOutput(await this.imports.create(job));
    });
  }

  /** The first DRY_RUN_ROWS rows of an upload as they would be written, with their errors; nothing is stored. */
  async dryRun(parts: NextParts): Promise<DryRunOutput> {
    if (!parts)
      throw new ValidationFailed([
        { field: 'file', message: 'send the CSV as multipart/form-data', code: DetailCode.Required },
      ]);
    await this.db.run(() => Promise.resolve());
    const { fields, file } = await this.readUpload(parts);
    try {
      const importer = this.targets.get(fields.target);
      const rows: DryRunOutput['rows'] = [];
      let columns: string[] = [];
      try {
        for await (const record of csvRecords(file.stream, fields.mapping)) {
          if (!columns.length) columns = Object.keys(record.values);
          const { input, errors } = toImportInput(importer, fields.mapping, record.values);
          rows.push({
            row: record.row,
            values: { ...input },
            errors: errors.map((e) => ({ row: record.row, field: e.field ?? null, message: e.message })),
          });
          if (rows.length >= DRY_RUN_ROWS) break;
        }
      } catch (error) {
        if (error instanceof SourceError) throw new ValidationFailed([{ field: 'file', message: error.message }]);
        throw error;
      }
      return {
        dryRun: true,
        target: fields.target,
        columns,
        rows,
        invalidRows: rows.filter((r) => r.errors.length).length,
      };
    } finally {
      file.stream.resume();
    }
  }

  list(query: PageQuery): Promise<Page<ImportOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.imports.list(query);
      return pageOf(rows.map(toImportOutput), total, query);
    });
  }

  get(id: string): Promise<ImportOutput> {
    return this.db.run(async () => toImportOutput(await this.existing(id)));
  }

  /** start, pause, resume or cancel (409 from a state that does not allow it); start and resume enqueue the run. */
  async transition(id: string, action: ImportAction): Promise<ImportOutput> {
    const { row, orgId } = await this.db.run(async () => {
      const current = await this.imports.lock(id);
      if (!current) throw new NotFound('Import');
      const status = nextStatus(current.status as ImportStatus, action);
      const row = await this.imports.setStatus(id, status, EVENTS[action], {
        ...(action === 'start' && { startedAt: new Date() }),
        ...(action === 'resume' && { error: null, finishedAt: null }),
        ...(action === 'cancel' && { finishedAt: new Date() }),
      });
      await this.imports.log(id, [{ level: 'info', message: `${action} by a member: ${current.status} → ${status}` }]);
      return { row, orgId: this.db.orgId };
    });
    if (row.status === 'running') await this.jobs.run(orgId, id);
    if (row.status === 'cancelled' && row.filePath) {
      await this.storage.delete(row.filePath).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'Could not delete a cancelled import file; it is orphaned');
      });
    }
    return toImportOutput(row);
  }

  logs(id: string, query: ListImportLogsQuery): Promise<Page<ImportLogOutput>> {
    return this.db.run(async () => {
      await this.existing(id);
      const [rows, total] = await this.imports.logs(id, query);
      const data = rows.map((l) => ({
        seq: l.id.toString(),
        level: l.level as LogLevel,
        message: l.message,
        createdAt: l.createdAt.toISOString(),
      }));
      return pageOf(data, total, query);
    });
  }

  errors(id: string, query: PageQuery): Promise<Page<ImportErrorOutput>> {
    return this.db.run(async () => {
      await this.existing(id);
      const [rows, total] = await this.imports.errors(id, query);
      return pageOf(
        rows.map((e) => ({ row: e.rowNumber, field: e.field, message: e.message })),
        total,
        query,
      );
    });
  }

  /** Every recorded error as CSV (row,field,message), at most MAX_RECORDED_ERRORS lines. */
  errorsCsv(id: string): Promise<string> {
    return this.db.run(async () => {
      await this.existing(id);
      const lines = ['row,field,message'];
      let after = 0n;
      for (;;) {
        const page = await this.imports.errorsAfter(id, after, 1000);
        for (const e of page) lines.push([String(e.rowNumber), csvCell(e.field ?? ''), csvCell(e.message)].join(','));
        if (page.length < 1000 || lines.length > MAX_RECORDED_ERRORS) break;
        after = page[page.length - 1].id;
      }
      return `${lines.join('\r\n')}\r\n`;
    });
  }

  private async createFromUpload(parts: NonNullable<NextParts>): Promise<ImportOutput> {
    // Membership and role first: nothing is stored for a caller who may not import.
    const orgId = await this.db.run(() => Promise.resolve(this.db.orgId));
    const { fields, file } = await this.readUpload(parts);
    const path = `${orgId}/imports/${randomUUID()}.csv`;
    try {
      await this.storage.put(path, file.stream, 'text/csv');
      if (file.stream.truncated) throw new AttachmentTooLarge(MAX_IMPORT_FILE_BYTES);
      const row = await this.db.run(() =>
        this.imports.create({
          target: fields.target,
          mapping: fields.mapping,
          duplicatePolicy: fields.duplicatePolicy ?? 'skip',
          filePath: path,
          fileName: file.fileName.slice(0, 255),
        }),
      );
      return toImportOutput(row);
    } catch (error) {
      await this.storage.delete(path).catch(() => undefined);
      throw error;
    } finally {
      file.stream.resume();
    }
  }

  /** The fields (before the file) and the file of an upload, the fields validated. */
  private async readUpload(parts: NonNullable<NextParts>): Promise<{ fields: UploadImportFields; file: IncomingFile }> {
    const raw: Record<string, string> = {};
    let file: (IncomingPart & { kind: 'file' }) | undefined;
    for await (const part of parts()) {
      if (part.kind === 'file') {
        file = part;
        break;
      }
      if (part.truncated)
        throw new ValidationFailed([{ field: part.name, message: 'is too long', code: DetailCode.TooLong }]);
      raw[part.name] = part.value;
    }
    const fields = this.checkFields(raw);
    if (!file || file.name !== 'file') {
      file?.stream.resume();
      throw new ValidationFailed([
        {
          field: 'file',
          message: 'a CSV file part named `file`, after the other fields, is required',
          code: DetailCode.Required,
        },
      ]);
    }
    return { fields, file };
  }

  private checkFields(raw: Record<string, string>): UploadImportFields {
    let mapping: unknown = raw.mapping;
    if (raw.mapping !== undefined) {
      try {
        mapping = JSON.parse(raw.mapping);
      } catch {
        throw new ValidationFailed([
          { field: 'mapping', message: 'must be a JSON object', code: DetailCode.InvalidFormat },
        ]);
      }
    }
    const plain = {
      ...raw,
      mapping,
      ...(raw.dryRun !== undefined && {
        dryRun: raw.dryRun === 'true' ? true : raw.dryRun === 'false' ? false : raw.dryRun,
      }),
    };
    const [fields, errors] = validateAs(UploadImportFields, plain);
    if (errors.length) throw new ValidationFailed(errors);
    this.checkMapping(fields.mapping, fields.target);
    return fields;
  }

  private checkMapping(mapping: Record<string, unknown>, target: UploadImportFields['target']): void {
    const notText = Object.entries(mapping).filter(([k, v]) => typeof v !== 'string' || k.length > 200);
    if (notText.length || Object.keys(mapping).length > 100) {
      throw new ValidationFailed([{ field: 'mapping', message: 'must map at most 100 columns, each to a field name' }]);
    }
    const problems = mappingProblems(mapping as Record<string, string>, this.targets.get(target));
    if (problems.length) throw new ValidationFailed(problems);
  }

  private async existing(id: string): Promise<ImportJobRow> {
    const row = await this.imports.find(id);
    if (!row) throw new NotFound('Import');
    return row;
  }
}
