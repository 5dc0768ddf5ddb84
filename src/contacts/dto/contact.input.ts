import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUrl, MaxLength } from 'class-validator';
import { ContactDetailsInput } from '../../common/contact-details.js';
import { Trim } from '../../common/query-transforms.js';
import { ContactStatus, ContactType } from '../../generated/prisma/enums.js';
import {
  CustomFieldsField,
  EnumField,
  NotesField,
  NullableUuidField,
  TagsField,
  TextField,
} from '../../common/dto-fields.js';

export const CONTACT_METHODS = ['email', 'phone', 'text'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** A profile link: http(s) only, so a client can render it as a link safely. */
const ProfileUrlField = (example: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ example, nullable: true, type: String }),
    IsOptional(),
    Trim(),
    IsUrl({ protocols: ['http', 'https'], require_protocol: true }),
    MaxLength(500),
  );

export class CreateContactInput extends ContactDetailsInput(
  'Unique (case-insensitive) among the live contacts of the organization',
) {
  @TextField('Trustee', 200)
  position?: string | null;

  @EnumField(ContactType, 'ContactType', 'CLIENT', 'Default: PROSPECT.')
  type?: ContactType;

  @EnumField(ContactStatus, 'ContactStatus', 'ACTIVE', 'Default: ACTIVE.')
  status?: ContactStatus;

  @NotesField('Prefers calls after 5pm')
  notes?: string | null;

  @TagsField(['buyer', 'referral'])
  tags?: string[];

  @CustomFieldsField({ spouse: 'Luis Gonzalez' })
  customFields?: Record<string, unknown> | null;

  @ProfileUrlField('https://www.linkedin.com/in/mariagonzalez')
  linkedinUrl?: string | null;

  @ProfileUrlField('https://x.com/mariagonzalez')
  twitterUrl?: string | null;

  @ApiPropertyOptional({ enum: CONTACT_METHODS, example: 'phone', nullable: true, type: String })
  @IsOptional()
  @IsIn(CONTACT_METHODS)
  preferredContactMethod?: ContactMethod | null;

  @NullableUuidField({
    description: 'An ADMIN, MANAGER or AGENT of the organization',
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
  })
  assignedToId?: string | null;

  @NullableUuidField({
    description: "One of the organization's live service lines (GET /v1/products), active or not",
    example: '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
  })
  productId?: string | null;

  @NullableUuidField({
    description:
      "One of the organization's acquisition stages (GET /v1/acquisition-stages); each change is in the contact's history (GET /v1/contacts/{id}/audit)",
    example: '4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8',
  })
  acquisitionStageId?: string | null;
}

export class UpdateContactInput extends PartialType(CreateContactInput) {}
