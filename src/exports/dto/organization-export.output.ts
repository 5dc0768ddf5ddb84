import { ApiProperty } from '@nestjs/swagger';
import { InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { SignedUrlOutput } from '../../tickets/dto/ticket.output.js';

export const EXPORT_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type OrganizationExportStatus = (typeof EXPORT_STATUSES)[number];

/** An organization archive export: its progress, and once completed, where to download it. */
export class OrganizationExportOutput {
  @ApiProperty({ format: 'uuid', maxLength: 36, example: '2b3c4d5e-6f70-4182-9a3b-4c5d6e7f8091' }) id!: string;
  @ApiProperty({ enum: EXPORT_STATUSES, enumName: 'OrganizationExportStatus', example: 'completed' })
  status!: OrganizationExportStatus;
  @LinkIdProperty('4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d', 'The ADMIN who asked for it') createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @NullableInstantProperty() startedAt!: string | null;
  @NullableInstantProperty() completedAt!: string | null;
  @ApiProperty({
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    nullable: true,
    example: 1048576,
    description: 'The .tar.gz archive, in bytes',
  })
  sizeBytes!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    nullable: true,
    example: { 'leads.ndjson': 1200, 'contacts.ndjson': 800 },
    description: 'Rows written per file of the archive',
  })
  rowCounts!: Record<string, number> | null;
  @ApiProperty({ maxLength: 1000, nullable: true, type: String, example: null, description: 'Why it failed' })
  error!: string | null;
  @ApiProperty({
    type: SignedUrlOutput,
    nullable: true,
    description:
      'When completed: a signed, expiring URL of the archive (a .tar.gz of one NDJSON file per table and manifest.json); ask again for a fresh one',
  })
  download!: SignedUrlOutput | null;
}
