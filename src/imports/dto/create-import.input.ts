import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional, IsUUID } from 'class-validator';
import {
  DUPLICATE_POLICIES,
  type DuplicatePolicy,
  IMPORT_TARGETS,
  type ImportTarget,
} from '../../common/import-rows.js';
import { MAX_IMPORT_FILE_BYTES } from '../import-limits.js';

const MAPPING_DOC = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 200 },
  maxProperties: 100,
  example: { 'Full Name': 'name', 'E-mail': 'email', Phone: 'phone', Tags: 'tags', Area: 'customFields.area' },
  description:
    '{sourceColumn: field}: a CSV header (or a JSON path for a JSON API source) → a field of the target, as the create route names it; `customFields.<key>` fills one custom field. Lists (tags) are split on `;`.',
} as const;

const TARGET_DOC = { enum: IMPORT_TARGETS, example: 'leads', description: 'What each row becomes' } as const;
const POLICY_DOC = {
  enum: DUPLICATE_POLICIES,
  example: 'skip',
  description:
    'A row matching an existing record (leads: same email or phone digits; contacts: same email; listings: same MLS number): skip it, update that record, or create another one anyway',
} as const;

/** POST /v1/imports as JSON: an import from a data source (JSON API, RESO Web API). */
export class CreateImportInput {
  @ApiProperty({
    format: 'uuid',
    example: '2c7d1f3e-5a6b-4c8d-9e0f-1a2b3c4d5e6f',
    description: 'A JSON_API or RESO_WEB_API data source',
  })
  @IsUUID()
  dataSourceId!: string;

  @ApiPropertyOptional({ ...TARGET_DOC, description: "Default: the source's target" })
  @IsOptional()
  @IsIn(IMPORT_TARGETS)
  target?: ImportTarget;

  @ApiPropertyOptional({ ...MAPPING_DOC, description: `${MAPPING_DOC.description} Default: the source's mapping.` })
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string>;

  @ApiPropertyOptional({ ...POLICY_DOC, description: `${POLICY_DOC.description}. Default: skip.` })
  @IsOptional()
  @IsIn(DUPLICATE_POLICIES)
  duplicatePolicy?: DuplicatePolicy;
}

/** POST /v1/imports as multipart/form-data: a CSV upload. For OpenAPI; the route reads the parts as a stream. */
export class UploadImportInput {
  @ApiProperty({ ...TARGET_DOC })
  target!: ImportTarget;

  @ApiProperty({
    type: 'string',
    maxLength: 8192,
    example: '{"Full Name":"name","E-mail":"email","Phone":"phone"}',
    description: `The mapping as a JSON text: ${MAPPING_DOC.description}`,
  })
  mapping!: string;

  @ApiPropertyOptional({ ...POLICY_DOC, description: `${POLICY_DOC.description}. Default: skip.` })
  duplicatePolicy?: DuplicatePolicy;

  @ApiPropertyOptional({
    type: 'string',
    enum: ['true', 'false'],
    example: 'false',
    description: 'true: validate the first 50 rows and answer them with their errors; nothing is stored or written',
  })
  dryRun?: string;

  @ApiProperty({
    type: 'string',
    format: 'binary',
    maxLength: MAX_IMPORT_FILE_BYTES,
    example: 'leads.csv',
    description: 'The CSV (RFC 4180, UTF-8, a header row first), after the other fields. At most 50 MiB.',
  })
  file!: unknown;
}

/** The multipart fields of an upload, validated like a JSON body once the mapping is parsed. */
export class UploadImportFields {
  @IsIn(IMPORT_TARGETS)
  target!: ImportTarget;

  @IsObject()
  mapping!: Record<string, string>;

  @IsOptional()
  @IsIn(DUPLICATE_POLICIES)
  duplicatePolicy?: DuplicatePolicy;

  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
