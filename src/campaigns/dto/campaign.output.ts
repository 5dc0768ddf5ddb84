import { ApiProperty } from '@nestjs/swagger';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { IncludedOne, PersonSummary, TitledSummary } from '../../common/summaries.js';
import { CampaignStatus, LeadSource } from '../../generated/prisma/enums.js';
import { VersionProperty } from '../../http/version.property.js';

const LINK_ID = '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d';
const utm = (example: string) => ApiProperty({ maxLength: 200, example, nullable: true, type: String });

export class CampaignOutput {
  @IdProperty('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d') id!: string;
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Spring open house weekend' }) name!: string;
  @ApiProperty({
    maxLength: 5000,
    example: 'Two open houses and a postcard drop in Noe Valley',
    nullable: true,
    type: String,
  })
  description!: string | null;
  @ApiProperty({ enum: CampaignStatus, enumName: 'CampaignStatus', example: 'ACTIVE' }) status!: CampaignStatus;
  @ApiProperty({ enum: LeadSource, enumName: 'LeadSource', example: 'EVENT' }) channel!: LeadSource;
  @ApiProperty({ maxLength: 13, example: '2500.00', nullable: true, type: String }) budget!: string | null;
  @ApiProperty({ format: 'date', example: '2027-04-01', nullable: true, type: String }) startsOn!: string | null;
  @ApiProperty({ format: 'date', example: '2027-04-30', nullable: true, type: String }) endsOn!: string | null;
  @utm('google') utmSource!: string | null;
  @utm('cpc') utmMedium!: string | null;
  @utm('spring-open-house-2027') utmCampaign!: string | null;
  @LinkIdProperty('5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a') listingId!: string | null;
  @LinkIdProperty(LINK_ID) ownerId!: string | null;
  @LinkIdProperty(LINK_ID) createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
  @NullableInstantProperty() deletedAt!: string | null;

  @IncludedOne(TitledSummary, 'listing', 'the listing listingId names')
  listing?: TitledSummary | null;
  @IncludedOne(PersonSummary, 'owner', 'the member ownerId names')
  owner?: PersonSummary | null;
  @IncludedOne(PersonSummary, 'createdBy', 'the member who created the campaign')
  createdBy?: PersonSummary | null;
}
