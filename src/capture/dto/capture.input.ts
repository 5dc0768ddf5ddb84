import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { FreeTextField, TextField } from '../../common/dto-fields.js';
import { Trim } from '../../common/query-transforms.js';

/** Follow Up Boss's event types that capture takes (docs/capture.md). */
export const CAPTURE_EVENT_TYPES = [
  'Registration',
  'Inquiry',
  'Property Inquiry',
  'Seller Inquiry',
  'Showing Request',
  'Viewed Property',
  'Saved Property',
  'Property Search',
  'Visited Open House',
  'General Inquiry',
] as const;
export type CaptureEventType = (typeof CAPTURE_EVENT_TYPES)[number];

const PHONE = /^[0-9+()\-.\s]{3,50}$/;

const EmailField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ example: 'maria.gonzalez@example.com', type: String, maxLength: 320 }),
    IsOptional(),
    Trim(),
    IsEmail(),
    MaxLength(320),
  );

const PhoneField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ example: '+1 415 555 0134', type: String, maxLength: 50 }),
    IsOptional(),
    Trim(),
    IsString(),
    Matches(PHONE, { message: '$property may contain digits, spaces and + ( ) - . only' }),
  );

/**
 * The honeypot: a form field hidden from people (CSS) that bots fill in. Filled, the request
 * is answered exactly as a success and nothing is written.
 */
const HoneypotField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      maxLength: 2000,
      example: '',
      description:
        'Honeypot: leave empty (hide the input with CSS). Filled in, the answer is the same 202 and nothing is saved.',
    }),
    IsOptional(),
    IsString(),
    MaxLength(2000),
  );

/** UTM parameters and a listing reference, shared by both capture bodies. */
class CaptureAttribution {
  @TextField('google', 200, 'utm_source of the page the form was on') utmSource?: string | null;
  @TextField('cpc', 200, 'utm_medium') utmMedium?: string | null;
  @TextField(
    'spring-open-house',
    200,
    'utm_campaign: attributes the lead to the live campaign with this utm_campaign (any case)',
  )
  utmCampaign?: string | null;
}

export class CaptureLeadInput extends CaptureAttribution {
  @TextField('Maria Gonzalez', 200, 'Defaults to the email or phone when left out') name?: string | null;
  @EmailField() email?: string | null;
  @PhoneField() phone?: string | null;
  @FreeTextField('Is the Noe Valley house still available?', 5000) message?: string | null;

  @ApiPropertyOptional({ format: 'uuid', type: String, example: '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a' })
  @IsOptional()
  @IsUUID()
  listingId?: string | null;

  @TextField('SF24012345', 50, 'The listing by its MLS number, instead of listingId') mlsNumber?: string | null;

  @ApiPropertyOptional({
    example: true,
    description: 'Whether the person agreed to be contacted (recorded on the activity, as given)',
  })
  @IsOptional()
  @IsBoolean()
  consent?: boolean;

  @HoneypotField() website?: string;
}

export class CaptureEmail {
  @ApiProperty({ example: 'maria.gonzalez@example.com', maxLength: 320 })
  @Trim()
  @IsEmail()
  @MaxLength(320)
  value!: string;
}

export class CapturePhone {
  @ApiProperty({ example: '+1 415 555 0134', maxLength: 50 })
  @Trim()
  @IsString()
  @Matches(PHONE, { message: '$property may contain digits, spaces and + ( ) - . only' })
  value!: string;
}

export class CapturePersonInput {
  @TextField('Maria Gonzalez', 200) name?: string | null;
  @TextField('Maria', 100) firstName?: string | null;
  @TextField('Gonzalez', 100) lastName?: string | null;

  @ApiPropertyOptional({ type: [CaptureEmail], maxItems: 5, example: [{ value: 'maria.gonzalez@example.com' }] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => CaptureEmail)
  emails?: CaptureEmail[];

  @ApiPropertyOptional({ type: [CapturePhone], maxItems: 5, example: [{ value: '+1 415 555 0134' }] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => CapturePhone)
  phones?: CapturePhone[];
}

export class CapturePropertyInput {
  @TextField('SF24012345', 50) mlsNumber?: string | null;

  @ApiPropertyOptional({ format: 'uuid', type: String, example: '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a' })
  @IsOptional()
  @IsUUID()
  listingId?: string | null;

  @TextField('123 Noe St, San Francisco, CA 94114', 300, 'As the portal shows it') address?: string | null;
}

export class CaptureEventInput extends CaptureAttribution {
  @ApiProperty({ enum: CAPTURE_EVENT_TYPES, enumName: 'CaptureEventType', example: 'Property Inquiry' })
  @IsIn(CAPTURE_EVENT_TYPES)
  type!: CaptureEventType;

  @ApiProperty({
    type: CapturePersonInput,
    description: 'Who: at least one email or phone',
    example: { firstName: 'Maria', lastName: 'Gonzalez', emails: [{ value: 'maria.gonzalez@example.com' }] },
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CapturePersonInput)
  person!: CapturePersonInput;

  @ApiPropertyOptional({
    type: CapturePropertyInput,
    example: { mlsNumber: 'SF24012345', address: '123 Noe St, San Francisco, CA 94114' },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CapturePropertyInput)
  property?: CapturePropertyInput;

  @FreeTextField('I would like to see this home on Saturday', 5000) message?: string | null;

  @TextField('zillow.com', 200, "Where the event comes from: the website's domain or the portal's name") source?:
    string | null;

  @HoneypotField() website?: string;
}
