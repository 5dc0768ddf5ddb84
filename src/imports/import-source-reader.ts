import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { DetailCode, ValidationFailed } from '../common/errors.js';
import { DataSourcesService } from '../data-sources/data-sources.service.js';
import type { LoadedSource } from '../data-sources/source-records.js';
import { SourceRecords } from '../data-sources/source-records.js';
import { FILES_STORAGE, type StorageDriver } from '../storage/storage.driver.js';
import type { CreateImportInput } from './dto/create-import.input.js';
import { type ImportMapping, mappingProblems } from './import-mapping.js';
import { csvRecords, SourceError, type SourceRecord } from './import-source.js';
import type { ImportTargets } from './import-targets.js';
import type { ImportJobRow, NewImportJob } from './imports.repository.js';

export interface OpenedSource {
  records: AsyncIterable<SourceRecord>;
  /** A stream to close when the job stops reading early. */
  opened?: Readable;
  /** RESO: the newest ModificationTimestamp read, for the source's next incremental sync. */
  progress: { syncedUpTo: Date | null };
}

/** Where a job's rows come from: its uploaded file, or its data source. */
@Injectable()
export class ImportSourceReader {
  constructor(
    @Inject(FILES_STORAGE) private readonly storage: StorageDriver,
    private readonly sources: DataSourcesService,
    private readonly records: SourceRecords,
  ) {}

  /** In the open unit of work: a new job of a data source, checked (its target, mapping and policy). */
  async prepareFromSource(input: CreateImportInput, targets: ImportTargets): Promise<NewImportJob> {
    const source = await this.sources.forImport(input.dataSourceId);
    const target = input.target ?? source.target;
    const mapping = input.mapping ?? source.mapping;
    if (!mapping) {
      throw new ValidationFailed([
        { field: 'mapping', message: 'the source has no mapping: name one', code: DetailCode.Required },
      ]);
    }
    const problems = mappingProblems(mapping, targets.get(target));
    if (problems.length) throw new ValidationFailed(problems);
    return { target, mapping, duplicatePolicy: input.duplicatePolicy ?? 'skip', dataSourceId: source.id };
  }

  /** In the open unit of work: the job's source with its credentials (none for an upload). */
  async loadSource(job: ImportJobRow): Promise<LoadedSource | undefined> {
    return job.dataSourceId ? this.sources.load(job.dataSourceId) : undefined;
  }

  async open(job: ImportJobRow, source: LoadedSource | undefined): Promise<OpenedSource> {
    const progress = { syncedUpTo: null as Date | null };
    if (job.filePath) {
      const stream = await this.storage.get(job.filePath).catch(() => {
        throw new SourceError('The uploaded file is no longer stored');
      });
      return { records: csvRecords(stream, job.mapping as ImportMapping), opened: stream, progress };
    }
    if (source)
      return { records: this.records.records(source, Object.keys(job.mapping as ImportMapping), progress), progress };
    throw new SourceError("The import's data source was deleted");
  }

  /** In the open unit of work: a finished job's metrics on its data source (none for an upload). */
  async recordRun(job: ImportJobRow, syncedUpTo: Date | null): Promise<void> {
    if (!job.dataSourceId) return;
    await this.sources.recordRun(job.dataSourceId, job.rowsCreated + job.rowsUpdated, job.rowsFailed, syncedUpTo);
  }
}
