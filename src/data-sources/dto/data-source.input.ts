import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import { RequiredTextField } from '../../common/dto-fields.js';
import { IMPORT_TARGETS, type ImportTarget } from '../../common/import-rows.js';
import { DATA_SOURCE_TYPES, type DataSourceType } from '../data-source-types.js';

const SETTINGS_DOC = {
  type: 'object',
  additionalProperties: true,
  example: {
    url: 'https://portal.example.com/api/leads',
    recordsPath: 'data',
    pagination: { type: 'page' },
    mapping: { fullName: 'name', email: 'email' },
  },
  description:
    "The type's settings (docs/imports.md): JSON_API url, recordsPath, pagination, mapping; RESO_WEB_API baseUrl, tokenUrl, clientId, scope, mapping; CSV and WEBHOOK mapping. Nothing secret: secrets go in credentials.",
} as const;
const CREDENTIALS_DOC = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 2000 },
  example: { authHeader: 'Bearer pk_live_5f2c9a' },
  description:
    'Secrets, encrypted at rest and never returned: JSON_API authHeader (optional); RESO_WEB_API clientSecret (required). CSV and WEBHOOK take none (a WEBHOOK source gets a generated signing secret, shown once).',
} as const;

export class CreateDataSourceInput {
  @RequiredTextField('Zillow leads feed')
  name!: string;

  @ApiProperty({ enum: DATA_SOURCE_TYPES, example: 'JSON_API' })
  @IsIn(DATA_SOURCE_TYPES)
  type!: DataSourceType;

  @ApiPropertyOptional({
    enum: IMPORT_TARGETS,
    example: 'leads',
    description: 'What its rows become. Default: leads (listings for RESO_WEB_API).',
  })
  @IsOptional()
  @IsIn(IMPORT_TARGETS)
  target?: ImportTarget;

  @ApiPropertyOptional(SETTINGS_DOC)
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional(CREDENTIALS_DOC)
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;
}

/** A change; settings and credentials are replaced as a whole when given. The type never changes. */
export class UpdateDataSourceInput {
  @ApiPropertyOptional({ example: 'Zillow leads feed (new key)', minLength: 1, maxLength: 200 })
  @IsOptional()
  @RequiredTextField('Zillow leads feed (new key)')
  name?: string;

  @ApiPropertyOptional({ enum: IMPORT_TARGETS, example: 'leads' })
  @IsOptional()
  @IsIn(IMPORT_TARGETS)
  target?: ImportTarget;

  @ApiPropertyOptional(SETTINGS_DOC)
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional(CREDENTIALS_DOC)
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;
}
