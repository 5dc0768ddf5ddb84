import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsEmail,
  IsEnum,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { Trim } from '../../common/query-transforms.js';
import { ContactStatus, ContactType } from '../../generated/prisma/enums.js';
import { CustomFieldsField, NotesField, TagsField } from '../../common/dto-fields.js';

export const CONTACT_METHODS = ['email', 'phone', 'text'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export class CreateContactInput {
  @ApiProperty({ example: 'Maria Gonzalez', minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    example: 'maria.gonzalez@example.com',
    nullable: true,
    type: String,
    description: 'Unique (case-insensitive) among the live contacts of the organization',
  })
  @IsOptional()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ example: '+1 415 555 0134', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(/^[0-9+()\-.\s]{3,50}$/, { message: 'phone may contain digits, spaces and + ( ) - . only' })
  phone?: string | null;

  @ApiPropertyOptional({ example: 'Gonzalez Family Trust', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  company?: string | null;

  @ApiPropertyOptional({ example: 'Trustee', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  position?: string | null;

  @ApiPropertyOptional({
    enum: ContactType,
    enumName: 'ContactType',
    example: 'CLIENT',
    description: 'Default: PROSPECT.',
  })
  @IsOptional()
  @IsEnum(ContactType)
  type?: ContactType;

  @ApiPropertyOptional({
    enum: ContactStatus,
    enumName: 'ContactStatus',
    example: 'ACTIVE',
    description: 'Default: ACTIVE.',
  })
  @IsOptional()
  @IsEnum(ContactStatus)
  status?: ContactStatus;

  @NotesField('Prefers calls after 5pm')
  notes?: string | null;

  @TagsField(['buyer', 'referral'])
  tags?: string[];

  @CustomFieldsField({ spouse: 'Luis Gonzalez' })
  customFields?: Record<string, unknown> | null;

  @ApiPropertyOptional({ example: 'https://www.linkedin.com/in/mariagonzalez', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  linkedinUrl?: string | null;

  @ApiPropertyOptional({ example: 'https://x.com/mariagonzalez', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  twitterUrl?: string | null;

  @ApiPropertyOptional({ enum: CONTACT_METHODS, example: 'phone', nullable: true, type: String })
  @IsOptional()
  @IsIn(CONTACT_METHODS)
  preferredContactMethod?: ContactMethod | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'An ADMIN, MANAGER or AGENT of the organization',
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
  })
  @IsOptional()
  @IsUUID()
  assignedToId?: string | null;
}

export class UpdateContactInput extends PartialType(CreateContactInput) {}
