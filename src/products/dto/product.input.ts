import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { FreeTextField, OptionalNotNull, RequiredTextField } from '../../common/dto-fields.js';
import { Trim } from '../../common/query-transforms.js';

const ACTIVE_DOC =
  'Offered now. At most 3 live products of the organization are active at once (409 PRODUCT_ACTIVE_LIMIT beyond).';

export class CreateProductInput {
  @RequiredTextField('Buyer representation')
  name!: string;

  @FreeTextField('We find, negotiate and close the right home for buyers', 5000)
  description?: string | null;

  @ApiPropertyOptional({ example: true, description: `${ACTIVE_DOC} Default: true.` })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Only the fields sent change; null clears the description; name and active cannot be null (400). */
export class UpdateProductInput extends PartialType(OmitType(CreateProductInput, ['name', 'active'] as const)) {
  @ApiPropertyOptional({ example: 'Buyer representation', minLength: 1, maxLength: 200 })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: false, description: ACTIVE_DOC })
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}
