import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { STORAGE_DRIVER, type StorageDriver } from '../storage/storage.driver.js';
import type { ImportMapping } from './import-mapping.js';
import { csvRecords, SourceError, type SourceRecord } from './import-source.js';
import { NotFound } from '../common/errors.js';
import type { CreateImportInput } from './dto/create-import.input.js';
import type { ImportTargets } from './import-targets.js';
import type { ImportJobRow, NewImportJob } from './imports.repository.js';

export interface OpenedSource {
  records: AsyncIterable<SourceRecord>;
  /** A stream to close when the job stops reading early. */
  opened?: Readable;
}

/** Where a job's rows come from: its uploaded file, or its data source. */
@Injectable()
export class ImportSourceReader {
  constructor(@Inject(STORAGE_DRIVER) private readonly storage: StorageDriver) {}

  async open(job: ImportJobRow): Promise<OpenedSource> {
    if (job.filePath) {
      const stream = await this.storage.get(job.filePath).catch(() => {
        throw new SourceError('The uploaded file is no longer stored');
      });
      return { records: csvRecords(stream, job.mapping as ImportMapping), opened: stream };
    }
    throw new SourceError('The import has neither a file nor a data source');
  }

  /** A new job of a data source (JSON API, RESO Web API), checked: its target, mapping and policy. */
  prepareFromSource(_input: CreateImportInput, _targets: ImportTargets): Promise<NewImportJob> {
    return Promise.reject(new NotFound('Data source'));
  }

  /** A finished job's metrics on its data source (none for an upload). */
  async recordRun(_job: ImportJobRow): Promise<void> {}
}
