import { Inject, Injectable } from '@nestjs/common';
import { RECORD_IMPORTERS, type ImportTarget, type RecordImporter } from '../common/import-rows.js';

/** The RecordImporter of each target, as the owning features provide them. */
@Injectable()
export class ImportTargets {
  private readonly byTarget: Map<ImportTarget, RecordImporter>;

  constructor(@Inject(RECORD_IMPORTERS) importers: RecordImporter[]) {
    this.byTarget = new Map(importers.map((i) => [i.target, i]));
  }

  get(target: ImportTarget): RecordImporter {
    const importer = this.byTarget.get(target);
    if (!importer) throw new Error(`No importer for ${target}`);
    return importer;
  }
}
