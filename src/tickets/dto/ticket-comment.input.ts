import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { Trim } from '../../common/query-transforms.js';

export class CreateTicketCommentInput {
  @ApiProperty({ example: 'A plumber is booked for Thursday morning.', minLength: 1, maxLength: 10000 })
  @Trim()
  @IsString()
  @Length(1, 10_000)
  body!: string;

  @ApiPropertyOptional({
    example: false,
    description: 'Internal comments are for members only: never shown through the customer view. Default: false.',
  })
  @IsOptional()
  @IsBoolean()
  isInternal?: boolean;

  @ApiPropertyOptional({
    example: true,
    description:
      "Also email the comment to the ticket's contact, with a new share link to the customer view (valid " +
      'for the default share lifetime). Only for a public comment on a ticket whose contact has an email ' +
      '(422 otherwise). Sent only if the comment is saved. Default: false.',
  })
  @IsOptional()
  @IsBoolean()
  emailCustomer?: boolean;
}

export class CreateCustomerCommentInput {
  @ApiProperty({ example: 'Thursday morning works, thank you!', minLength: 1, maxLength: 5000 })
  @Trim()
  @IsString()
  @Length(1, 5000)
  body!: string;
}
