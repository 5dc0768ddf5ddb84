import { ApiProperty } from '@nestjs/swagger';
import { InstantProperty, LinkIdProperty } from '../../common/output-fields.js';
import { AuditAction } from '../../generated/prisma/enums.js';
import { AUDITED_TABLES, type AuditedTable } from '../audited-tables.js';
import { AUDIT_MAX_LIMIT } from './audit.query.js';

/** Each changed field's value before and after: [null, new] on INSERT, [old, null] on DELETE. */
export type AuditChanges = Record<string, [unknown, unknown]>;

export class AuditActor {
  @LinkIdProperty(
    '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
    "The member who made the change (an API key's creator when a key made it); null for a customer's " +
      'share-link comment or a change made in SQL',
  )
  userId!: string | null;

  @LinkIdProperty(null, 'The API key that made the change; null when a member made it themselves')
  apiKeyId!: string | null;
}

export class AuditEntryOutput {
  @ApiProperty({
    type: String,
    pattern: '^[0-9]+$',
    maxLength: 19,
    example: '1042',
    description: 'Grows with every change, so it orders the history; a decimal string (it may exceed 2^53)',
  })
  id!: string;

  @ApiProperty({ enum: AUDITED_TABLES, enumName: 'AuditedTable', example: 'leads', description: 'The table changed' })
  table!: AuditedTable;

  @ApiProperty({
    format: 'uuid',
    example: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b',
    description: "The row's id; a membership's is its userId, an appointment attendee's its appointmentId",
  })
  recordId!: string;

  @ApiProperty({
    enum: AuditAction,
    enumName: 'AuditAction',
    example: 'UPDATE',
    description: 'SOFT_DELETE and RESTORE are the updates that set and clear deletedAt',
  })
  action!: AuditAction;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', minItems: 2, maxItems: 2, items: {} },
    example: { status: ['NEW_LEAD', 'IN_CONTACT'], scoreValue: [40, 75] },
    description:
      'Only the fields that changed, by their API names, as [old, new]: on INSERT every field that has a value ' +
      '([null, new]), on DELETE every field that had one ([old, null]). Values are as the database stores them ' +
      '(numbers for decimals, instants with their offset). Never: updatedAt, version, derived fields, secrets.',
  })
  changes!: AuditChanges;

  @ApiProperty({ type: AuditActor }) actor!: AuditActor;

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 128,
    example: '5f0c6a2e-8d1b-4c3a-9e7f-2b1a0c9d8e7f',
    description: 'The X-Request-Id of the request that made the change; null outside the API',
  })
  requestId!: string | null;

  @InstantProperty() at!: string;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryOutput], maxItems: AUDIT_MAX_LIMIT, description: 'Newest first' })
  data!: AuditEntryOutput[];

  @ApiProperty({
    nullable: true,
    type: String,
    maxLength: 200,
    pattern: '^[A-Za-z0-9_-]+$',
    example: 'YXVkaXQ6MTA0Mg',
    description: 'Pass as cursor for the next page; null at the end',
  })
  nextCursor!: string | null;
}
