import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { RequiredTextField, TextField } from './dto-fields.js';
import { IdProperty } from './output-fields.js';
import { Trim } from './query-transforms.js';

/** A phone number as the CRM stores it (leads, contacts, profiles): digits and + ( ) - . and spaces. */
export const PHONE = /^[0-9+()\-.\s]{3,50}$/;
export const PHONE_MESSAGE = 'phone may contain digits, spaces and + ( ) - . only';

/**
 * Who a person is, the first fields of a lead's and of a contact's body, validated alike so a
 * lead converts into a contact without a field it cannot hold. `emailNote` adds to the email's
 * description what that record's email must also be.
 */
export function ContactDetailsInput(emailNote?: string) {
  class ContactDetails {
    @RequiredTextField('Maria Gonzalez')
    name!: string;

    @ApiPropertyOptional({
      example: 'maria.gonzalez@example.com',
      nullable: true,
      type: String,
      description: emailNote,
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
    @Matches(PHONE, { message: PHONE_MESSAGE })
    phone?: string | null;

    @TextField('Gonzalez Family Trust', 200)
    company?: string | null;
  }
  return ContactDetails;
}

/** The same fields as a lead or contact returns them, after its id. */
export function ContactDetailsOutput(idExample: string) {
  class ContactDetails {
    @IdProperty(idExample) id!: string;
    @ApiProperty({ maxLength: 200, example: 'Maria Gonzalez' }) name!: string;
    @ApiProperty({ maxLength: 320, example: 'maria.gonzalez@example.com', nullable: true, type: String })
    email!: string | null;
    @ApiProperty({ maxLength: 50, example: '+1 415 555 0134', nullable: true, type: String }) phone!: string | null;
    @ApiProperty({ maxLength: 200, example: 'Gonzalez Family Trust', nullable: true, type: String })
    company!: string | null;
  }
  return ContactDetails;
}
