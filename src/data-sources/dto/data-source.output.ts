import { ApiProperty } from '@nestjs/swagger';
import { IMPORT_TARGETS, type ImportTarget } from '../../common/import-rows.js';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { DATA_SOURCE_TYPES, type DataSourceType } from '../data-source-types.js';

export class DataSourceMetricsOutput {
  @NullableInstantProperty(null, 'When its last import ended') lastRunAt!: string | null;
  @ApiProperty({
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    example: 1250,
    description: 'Rows written (created or updated) by its imports',
  })
  rowsImported!: number;
  @ApiProperty({
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    example: 3,
    description: 'Rows its imports refused',
  })
  failures!: number;
  @NullableInstantProperty(
    null,
    'RESO_WEB_API: the newest ModificationTimestamp imported (the next sync asks for what changed after it)',
  )
  lastSyncAt!: string | null;
}

export class DataSourceOutput {
  @IdProperty('2c7d1f3e-5a6b-4c8d-9e0f-1a2b3c4d5e6f') id!: string;
  @ApiProperty({ maxLength: 200, example: 'Zillow leads feed' }) name!: string;
  @ApiProperty({ enum: DATA_SOURCE_TYPES, example: 'JSON_API' }) type!: DataSourceType;
  @ApiProperty({ enum: IMPORT_TARGETS, example: 'leads' }) target!: ImportTarget;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { url: 'https://portal.example.com/api/leads', recordsPath: 'data' },
    description: 'Its settings (never secrets)',
  })
  settings!: Record<string, unknown>;
  @ApiProperty({ example: true, description: 'Whether credentials are stored (they are never returned)' })
  hasCredentials!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 4,
    example: 'a9f2',
    description: 'The last four characters of the main secret',
  })
  credentialsHint!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 100,
    example: '/v1/inbound/2c7d1f3e-5a6b-4c8d-9e0f-1a2b3c4d5e6f',
    description: 'WEBHOOK: where a portal POSTs leads, signed with the source secret (docs/imports.md)',
  })
  inboundPath!: string | null;
  @ApiProperty({ type: DataSourceMetricsOutput }) metrics!: DataSourceMetricsOutput;
  @LinkIdProperty('0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d', 'Who created it') createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
}

/** A new WEBHOOK source: the only time its signing secret is shown. */
export class DataSourceWithSecretOutput extends DataSourceOutput {
  @ApiProperty({
    minLength: 50,
    maxLength: 50,
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwbrFJXH+WNE0=',
    description:
      'WEBHOOK: the Standard Webhooks signing secret (`whsec_` + base64) the portal signs its requests with. Shown this once.',
  })
  secret!: string;
}

export class DataSourceTestOutput {
  @ApiProperty({ example: true }) ok!: boolean;
  @ApiProperty({ maxLength: 500, example: 'HTTP 200: 25 records on the first page' }) message!: string;
  @ApiProperty({
    type: [String],
    maxItems: 100,
    items: { type: 'string', maxLength: 200 },
    example: ['id', 'fullName', 'email'],
    description: "The first record's top-level fields, to help write a mapping",
  })
  sampleFields!: string[];
}
