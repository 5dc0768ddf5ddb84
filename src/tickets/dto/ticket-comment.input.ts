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
}

export class CreateCustomerCommentInput {
  @ApiProperty({ example: 'Thursday morning works, thank you!', minLength: 1, maxLength: 5000 })
  @Trim()
  @IsString()
  @Length(1, 5000)
  body!: string;
}
