import { ApiProperty } from '@nestjs/swagger';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { IncludedOne, PersonSummary } from '../../common/summaries.js';
import { VersionProperty } from '../../http/version.property.js';

export class ProductOutput {
  @IdProperty('3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c') id!: string;
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Buyer representation' }) name!: string;
  @ApiProperty({
    maxLength: 5000,
    example: 'We find, negotiate and close the right home for buyers',
    nullable: true,
    type: String,
  })
  description!: string | null;
  @ApiProperty({ example: true, description: 'Offered now (at most 3 live products of an organization are)' })
  active!: boolean;
  @LinkIdProperty('0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d') createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
  @NullableInstantProperty() deletedAt!: string | null;

  @IncludedOne(PersonSummary, 'createdBy', 'the member who created the product')
  createdBy?: PersonSummary | null;
}
