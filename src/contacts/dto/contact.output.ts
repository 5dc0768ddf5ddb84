import { ApiProperty } from '@nestjs/swagger';
import { ContactStatus, ContactType } from '../../generated/prisma/enums.js';
import { IncludedOne, PersonSummary, RecordSummary } from '../../common/summaries.js';
import { ContactDetailsOutput } from '../../common/contact-details.js';
import { VersionProperty } from '../../http/version.property.js';
import { InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';

const LINK_ID = '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e';

export class ContactOutput extends ContactDetailsOutput('7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f') {
  @ApiProperty({ maxLength: 200, example: 'Trustee', nullable: true, type: String }) position!: string | null;
  @ApiProperty({ enum: ContactType, enumName: 'ContactType', example: 'CLIENT' }) type!: ContactType;
  @ApiProperty({ enum: ContactStatus, enumName: 'ContactStatus', example: 'ACTIVE' }) status!: ContactStatus;
  @ApiProperty({ maxLength: 10000, example: 'Prefers calls after 5pm', nullable: true, type: String }) notes!:
    string | null;
  @ApiProperty({ maxItems: 50, maxLength: 50, type: [String], example: ['buyer'] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { spouse: 'Luis Gonzalez' } })
  customFields!: Record<string, unknown> | null;
  @ApiProperty({ maxLength: 500, example: 'https://www.linkedin.com/in/mariagonzalez', nullable: true, type: String })
  linkedinUrl!: string | null;
  @ApiProperty({ maxLength: 500, example: null, nullable: true, type: String }) twitterUrl!: string | null;
  @ApiProperty({ example: 'phone', nullable: true, type: String, enum: ['email', 'phone', 'text'] })
  preferredContactMethod!: string | null;
  @LinkIdProperty(LINK_ID) assignedToId!: string | null;
  @LinkIdProperty(LINK_ID) createdById!: string | null;
  @LinkIdProperty(LINK_ID, 'The lead this contact was converted from') sourceLeadId!: string | null;
  @LinkIdProperty('3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c', 'The service line (product) the contact is for')
  productId!: string | null;
  @LinkIdProperty('4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8', 'Where the contact is in the acquisition pipeline')
  acquisitionStageId!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
  @NullableInstantProperty() lastContactAt!: string | null;
  @NullableInstantProperty() deletedAt!: string | null;
  @IncludedOne(PersonSummary, 'assignee', 'the member assignedToId names')
  assignee?: PersonSummary | null;
  @IncludedOne(PersonSummary, 'createdBy', 'the member who created the contact')
  createdBy?: PersonSummary | null;
  @IncludedOne(RecordSummary, 'sourceLead', 'the lead sourceLeadId names')
  sourceLead?: RecordSummary | null;
}

export class ContactCountsOutput {
  @ApiProperty({ example: 2, description: 'Live (not deleted) deals of this contact visible to you' }) deals!: number;
  @ApiProperty({ example: 1, description: 'Activities of this contact not completed yet' }) openActivities!: number;
}

export class ContactDetailOutput extends ContactOutput {
  @ApiProperty({ type: ContactCountsOutput }) counts!: ContactCountsOutput;
}
