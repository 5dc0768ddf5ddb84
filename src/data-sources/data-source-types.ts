import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const DATA_SOURCE_TYPES = ['CSV', 'JSON_API', 'RESO_WEB_API', 'WEBHOOK'] as const;
export type DataSourceType = (typeof DATA_SOURCE_TYPES)[number];

const MAPPING_DOC = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 200 },
  maxProperties: 100,
  example: { 'contact.fullName': 'name', 'contact.email': 'email' },
  description: 'The default mapping of its imports: {sourcePath: field} (see POST /v1/imports)',
} as const;

export class CsvSettings {
  @ApiPropertyOptional(MAPPING_DOC)
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string>;

  @ApiPropertyOptional({
    enum: ['skip', 'update', 'create'],
    example: 'update',
    description: 'WEBHOOK: what a record matching an existing one does (default skip)',
  })
  @IsOptional()
  @IsIn(['skip', 'update', 'create'])
  duplicatePolicy?: 'skip' | 'update' | 'create';
}

export class JsonApiPagination {
  @ApiProperty({
    enum: ['page', 'next'],
    example: 'page',
    description: 'page: a page-number parameter, from 1 until a page is empty; next: follow a next link in each page',
  })
  @IsIn(['page', 'next'])
  type!: 'page' | 'next';

  @ApiPropertyOptional({ example: 'page', maxLength: 50, description: 'type page: the parameter (default page)' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,50}$/)
  param?: string;

  @ApiPropertyOptional({
    example: 'links.next',
    maxLength: 200,
    description: 'type next: where the next URL is in a page (absent or null: the last page)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  nextPath?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 10_000,
    example: 100,
    description: 'Pages read at most (default 1,000)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxPages?: number;
}

export class JsonApiSettings extends CsvSettings {
  @ApiProperty({
    example: 'https://portal.example.com/api/leads',
    maxLength: 2048,
    description: "The endpoint (https on a public address; the webhooks' SSRF rules)",
  })
  @IsString()
  @Length(10, 2048)
  url!: string;

  @ApiPropertyOptional({
    example: 'data.items',
    maxLength: 200,
    description: 'Where the records array is in a page (default: the page is the array)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  recordsPath?: string;

  @ApiPropertyOptional({ type: JsonApiPagination })
  @IsOptional()
  @ValidateNested()
  @Type(() => JsonApiPagination)
  pagination?: JsonApiPagination;
}

export class JsonApiCredentials {
  @ApiPropertyOptional({
    example: 'Bearer pk_live_5f2c…',
    maxLength: 2000,
    description: 'Sent as the Authorization header',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  authHeader?: string;
}

export class ResoSettings extends CsvSettings {
  @ApiProperty({
    example: 'https://api.mls.example.com/reso/odata',
    maxLength: 2048,
    description: 'The OData service root',
  })
  @IsString()
  @Length(10, 2048)
  baseUrl!: string;

  @ApiProperty({
    example: 'https://api.mls.example.com/oauth2/token',
    maxLength: 2048,
    description: 'OAuth2 token endpoint (client credentials)',
  })
  @IsString()
  @Length(10, 2048)
  tokenUrl!: string;

  @ApiProperty({ example: 'brokerage-crm', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  clientId!: string;

  @ApiPropertyOptional({ example: 'api', maxLength: 200, description: 'OAuth2 scope, when the MLS asks for one' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  scope?: string;

  @ApiPropertyOptional({
    enum: ['Property'],
    example: 'Property',
    description: 'The resource read (Property → listings)',
  })
  @IsOptional()
  @IsIn(['Property'])
  resource?: 'Property';
}

export class ResoCredentials {
  @ApiProperty({ example: 'c1i3nt-s3cr3t…', maxLength: 2000, description: 'The OAuth2 client secret' })
  @IsString()
  @Length(1, 2000)
  clientSecret!: string;
}

export class NoCredentials {}

/** Each type's settings and credentials classes (credentials undefined: the type takes none from the client). */
export const TYPE_SCHEMAS: Record<
  DataSourceType,
  { settings: new () => object; credentials?: new () => object; requiredSecret?: string }
> = {
  CSV: { settings: CsvSettings },
  JSON_API: { settings: JsonApiSettings, credentials: JsonApiCredentials },
  RESO_WEB_API: { settings: ResoSettings, credentials: ResoCredentials, requiredSecret: 'clientSecret' },
  WEBHOOK: { settings: CsvSettings },
};

/** The RESO Property fields → listing fields imports use when the source names no mapping (docs/reso-mapping.md). */
export const RESO_PROPERTY_MAPPING: Record<string, string> = {
  ListingId: 'mlsNumber',
  ListingTitle: 'title',
  UnparsedAddress: 'address',
  City: 'city',
  StateOrProvince: 'state',
  PostalCode: 'zipCode',
  ListPrice: 'price',
  BedroomsTotal: 'bedrooms',
  BathroomsTotalInteger: 'bathrooms',
  LivingArea: 'squareFeet',
  PublicRemarks: 'description',
};
