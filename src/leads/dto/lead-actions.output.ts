import { DealOutput } from '../../deals/dto/deal.output.js';
import { ApiProperty } from '@nestjs/swagger';
import { ContactOutput } from '../../contacts/dto/contact.output.js';
import { QUALIFICATION_CRITERIA, type QualificationCriterion } from '../../lead-scoring/qualification.js';
import { LeadOutput } from './lead.output.js';

/** The deal a conversion opened (the deals module owns the full deal resource). */
export class ConvertLeadOutput {
  @ApiProperty({ type: LeadOutput, description: 'The lead, now CONVERTED' }) lead!: LeadOutput;
  @ApiProperty({ type: ContactOutput }) contact!: ContactOutput;
  @ApiProperty({
    type: DealOutput,
    nullable: true,
    description: 'The deal opened with it (stage QUALIFIED), if asked for',
  })
  deal!: DealOutput | null;
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

export class QualificationReasonOutput {
  @ApiProperty({ enum: QUALIFICATION_CRITERIA, example: 'preApproved' }) criterion!: QualificationCriterion;
  @ApiProperty({ example: true, description: "Whether the criterion meets the organization's rule" }) met!: boolean;
  @ApiProperty({ maxLength: 200, example: 'Pre-approved for a mortgage: yes' }) message!: string;
}

export class QualifyLeadOutput {
  @ApiProperty({ type: LeadOutput, description: 'The lead, now QUALIFIED or UNQUALIFIED' }) lead!: LeadOutput;
  @ApiProperty({ example: true, description: 'Every criterion met the rule' }) qualified!: boolean;
  @ApiProperty({
    type: [QualificationReasonOutput],
    maxItems: QUALIFICATION_CRITERIA.length,
    description: 'One per criterion, in the order preApproved, budgetConfirmed, timelineMonths',
  })
  reasons!: QualificationReasonOutput[];
}
