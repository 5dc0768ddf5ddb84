import { ApiProperty } from '@nestjs/swagger';

/**
 * The output properties records share, one decorator per kind, so an id, a link or a point in
 * time is documented the same way in every response (inputs have theirs in dto-fields.ts).
 */

/** The example instant of a record's createdAt, updatedAt and of every change it logs. */
const RECORDED_AT = '2026-11-23T16:00:00.000Z';

/** A record's own id. */
export const IdProperty = (example: string): PropertyDecorator => ApiProperty({ format: 'uuid', example });

/** The id of a linked record or member (createdById, leadId…): null when there is none. */
export const LinkIdProperty = (example: string | null, description?: string): PropertyDecorator =>
  ApiProperty({ type: String, format: 'uuid', nullable: true, example, description });

/** An instant the record always has (createdAt, updatedAt, startsAt…), as an ISO 8601 string. */
export const InstantProperty = (example = RECORDED_AT): PropertyDecorator =>
  ApiProperty({ format: 'date-time', example });

/** An instant that may not have happened (deletedAt, completedAt…): null until it does. */
export const NullableInstantProperty = (example: string | null = null, description?: string): PropertyDecorator =>
  ApiProperty({ type: String, format: 'date-time', nullable: true, example, description });
