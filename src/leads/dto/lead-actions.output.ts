import { ApiProperty } from '@nestjs/swagger';
import { ContactOutput } from '../../contacts/dto/contact.output.js';
import { DealStage, DealStatus } from '../../generated/prisma/enums.js';
import { LeadOutput } from './lead.output.js';

/** The deal a conversion opened (the deals module owns the full deal resource). */
export class ConvertedDealOutput {
  @ApiProperty({ format: 'uuid', example: '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091' }) id!: string;
  @ApiProperty({ maxLength: 200, example: '123 Main St purchase' }) title!: string;
  @ApiProperty({ maxLength: 13, example: '750000.00' }) value!: string;
  @ApiProperty({ enum: DealStage, enumName: 'DealStage', example: 'QUALIFIED' }) stage!: DealStage;
  @ApiProperty({ enum: DealStatus, enumName: 'DealStatus', example: 'ACTIVE' }) status!: DealStatus;
  @ApiProperty({ example: 50 }) probability!: number;
  @ApiProperty({ format: 'date', example: '2027-03-31', nullable: true, type: String }) expectedCloseDate!:
    string | null;
  @ApiProperty({ format: 'uuid', example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e', nullable: true, type: String })
  leadId!: string | null;
  @ApiProperty({ format: 'uuid', example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e', nullable: true, type: String })
  contactId!: string | null;
  @ApiProperty({ format: 'uuid', example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e', nullable: true, type: String })
  listingId!: string | null;
  @ApiProperty({ format: 'uuid', example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e', nullable: true, type: String })
  assignedToId!: string | null;
  @ApiProperty({ format: 'uuid', example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e', nullable: true, type: String })
  createdById!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
}

export class ConvertLeadOutput {
  @ApiProperty({ type: LeadOutput, description: 'The lead, now CONVERTED' }) lead!: LeadOutput;
  @ApiProperty({ type: ContactOutput }) contact!: ContactOutput;
  @ApiProperty({ type: ConvertedDealOutput, nullable: true }) deal!: ConvertedDealOutput | null;
}

export const DUPLICATE_MATCHES = ['email', 'phone', 'name'] as const;
export type DuplicateMatch = (typeof DUPLICATE_MATCHES)[number];

export class LeadDuplicateOutput extends LeadOutput {
  @ApiProperty({
    enum: DUPLICATE_MATCHES,
    isArray: true,
    maxItems: DUPLICATE_MATCHES.length,
    example: ['email'],
    description: 'What matched: normalized email (trimmed, lower-case), phone (digits only), or lower-cased name',
  })
  matchedOn!: DuplicateMatch[];
}

export class BulkResultOutput {
  @ApiProperty({ example: 12, description: 'How many leads changed' }) affected!: number;
}
