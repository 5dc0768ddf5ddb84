import { type Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const ID = '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d';

/**
 * A member as another record names them (include=assignee, createdBy…). No email: a
 * summary must not reveal more about a person than the roster shows every member.
 */
export class PersonSummary {
  @ApiProperty({ format: 'uuid', example: ID }) id!: string;
  @ApiProperty({
    example: 'Li Chen',
    nullable: true,
    type: String,
    maxLength: 200,
    description: 'null when the profile has no name',
  })
  fullName!: string | null;
}

/** A lead, contact or campaign as another record names it. */
export class RecordSummary {
  @ApiProperty({ format: 'uuid', example: ID }) id!: string;
  @ApiProperty({ example: 'Maria Gonzalez', maxLength: 200 }) name!: string;
}

/** A deal or listing as another record names it. */
export class TitledSummary {
  @ApiProperty({ format: 'uuid', example: ID }) id!: string;
  @ApiProperty({ example: '123 Main St — buyer representation', maxLength: 300 }) title!: string;
}

export type Summary = PersonSummary | RecordSummary | TitledSummary;

/**
 * An output property present only when `include=<name>` asks for it: the related record's
 * summary, or null when there is none, it is soft-deleted, or you may not see it.
 */
export const IncludedOne = (type: Type<Summary>, name: string, what: string): PropertyDecorator =>
  ApiPropertyOptional({
    type,
    nullable: true,
    description:
      `With include=${name}: ${what}. null when there is none or you may not see it (soft-deleted, ` +
      'another agent’s lead or deal, a member who has left)',
  });

/**
 * An output array present only when `include=<name>` asks for it: the summaries of the related
 * records you may see, in the order of their ids; soft-deleted or hidden ones are left out.
 */
export const IncludedMany = (type: Type<Summary>, name: string, what: string, maxItems: number): PropertyDecorator =>
  ApiPropertyOptional({
    type: [type],
    maxItems,
    description: `With include=${name}: ${what}. Soft-deleted ones and ones you may not see are left out`,
  });
