import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** A local file URL's query: what it grants (token), until when, and the signature over both. */
export class FileQuery {
  @ApiProperty({
    description: 'The grant: storage path, content type and download name (base64url JSON, signed, not secret)',
    example: 'eyJwIjoiM2Y2YzFiOWUtLi4uIn0',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,4096}$/, { message: 'token is malformed' })
  token!: string;

  @ApiProperty({ description: 'Expiry, in Unix seconds', example: 1795459200 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2 ** 40)
  expires!: number;

  @ApiProperty({
    description: 'HMAC-SHA256 of token and expiry, base64url',
    example: 'q3Jm0w2Vt9YbX1c8LkN4pR7sT0uV2wY5zA6bC9dE1fG',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'signature is malformed' })
  signature!: string;
}
