import { ApiProperty } from '@nestjs/swagger';
import {
  DUPLICATE_POLICIES,
  type DuplicatePolicy,
  IMPORT_TARGETS,
  type ImportTarget,
} from '../../common/import-rows.js';
import { InstantProperty, IdProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { IMPORT_STATUSES, type ImportStatus } from '../import-status.js';

const COUNT = { type: 'integer', format: 'int32', minimum: 0, maximum: 2 ** 31 - 1 } as const;

export class ImportProgressOutput {
  @ApiProperty({ ...COUNT, example: 1200, description: 'Rows read from the source so far' }) rowsRead!: number;
  @ApiProperty({ ...COUNT, example: 1100 }) created!: number;
  @ApiProperty({ ...COUNT, example: 60 }) updated!: number;
  @ApiProperty({ ...COUNT, example: 30, description: 'Duplicates skipped (duplicatePolicy skip)' }) skipped!: number;
  @ApiProperty({ ...COUNT, example: 10, description: 'Rows refused; GET /v1/imports/{id}/errors says why' })
  failed!: number;
  @ApiProperty({
    ...COUNT,
    example: 1201,
    description: 'The last row committed (a CSV header is row 1); a resumed import continues after it',
  })
  checkpointRow!: number;
}

export class ImportOutput {
  @IdProperty('5e2f8a1b-3c4d-4e5f-8a9b-0c1d2e3f4a5b') id!: string;
  @ApiProperty({ enum: IMPORT_STATUSES, example: 'running' }) status!: ImportStatus;
  @ApiProperty({ enum: IMPORT_TARGETS, example: 'leads' }) target!: ImportTarget;
  @ApiProperty({ enum: DUPLICATE_POLICIES, example: 'skip' }) duplicatePolicy!: DuplicatePolicy;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 200 },
    maxProperties: 100,
    example: { 'Full Name': 'name', 'E-mail': 'email' },
  })
  mapping!: Record<string, string>;
  @LinkIdProperty(null, 'The data source; null for an uploaded CSV') dataSourceId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 255, example: 'open-house-signins.csv' })
  fileName!: string | null;
  @ApiProperty({ type: ImportProgressOutput }) progress!: ImportProgressOutput;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000, example: null, description: 'Why it failed' })
  error!: string | null;
  @LinkIdProperty('0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d', 'Who created it') createdById!: string | null;
  @NullableInstantProperty(null, 'When it first started') startedAt!: string | null;
  @NullableInstantProperty(null, 'When it completed, failed or was cancelled') finishedAt!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
}

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ImportLogOutput {
  @ApiProperty({
    type: 'string',
    pattern: '^[0-9]+$',
    maxLength: 20,
    example: '42',
    description: "The line's place in the log (increasing)",
  })
  seq!: string;
  @ApiProperty({ enum: LOG_LEVELS, example: 'info' }) level!: LogLevel;
  @ApiProperty({ maxLength: 2000, example: 'Batch committed: rows 2–501 (480 created, 20 skipped)' }) message!: string;
  @InstantProperty() createdAt!: string;
}

export class ImportErrorOutput {
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 2 ** 31 - 1,
    example: 17,
    description: 'The row in the source (a CSV header is row 1)',
  })
  row!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 200,
    example: 'email',
    description: 'The target field; null when the row as a whole failed',
  })
  field!: string | null;
  @ApiProperty({ maxLength: 1000, example: 'must be an email' }) message!: string;
}

export class DryRunRowOutput {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 2, maximum: 2 ** 31 - 1, example: 2 }) row!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { name: 'Maria Gonzalez', email: 'maria@example.com' },
    description: 'What the row would be written as',
  })
  values!: Record<string, unknown>;
  @ApiProperty({ type: [ImportErrorOutput], maxItems: 100 }) errors!: ImportErrorOutput[];
}

/** A dry run's answer: the first rows as they would be written, with their errors. Nothing was stored. */
export class DryRunOutput {
  @ApiProperty({ example: true }) dryRun!: true;
  @ApiProperty({ enum: IMPORT_TARGETS, example: 'leads' }) target!: ImportTarget;
  @ApiProperty({
    type: [String],
    maxItems: 500,
    items: { type: 'string', maxLength: 1000 },
    example: ['Full Name', 'E-mail', 'Phone'],
  })
  columns!: string[];
  @ApiProperty({ type: [DryRunRowOutput], maxItems: 50 }) rows!: DryRunRowOutput[];
  @ApiProperty({ ...COUNT, example: 2, description: 'Rows of the preview with at least one error' })
  invalidRows!: number;
}
