import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class UserOutput {
  @ApiProperty({ format: 'uuid', example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d' }) id!: string;
  @ApiProperty({ maxLength: 320, example: 'ana@harbor-realty.com' }) email!: string;
  @ApiPropertyOptional({ maxLength: 200, example: 'Ana Ortiz', nullable: true, type: String }) fullName!: string | null;
  @ApiProperty({
    example: false,
    description:
      'Whether the address is verified. An unverified account can sign in but joins no organization until it uses the emailed link (POST /v1/auth/verify).',
  })
  emailVerified!: boolean;
}

export class SessionOutput {
  @ApiProperty({ maxLength: 4096, example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ example: 900, description: 'Seconds until the access token expires (ACCESS_TOKEN_TTL_SECONDS)' })
  expiresIn!: number;
  @ApiProperty({
    minLength: 43,
    maxLength: 43,
    example: 'q8Zt3vJ0m1nXcR5yB2kLw9HfD4sA7eUoP6iGjTbVhQa',
    description:
      'Exchange it at POST /v1/auth/refresh for a new access token and a new refresh token: each works once (presenting a spent one again signs the whole session out). Keep it secret, like a password.',
  })
  refreshToken!: string;
  @ApiProperty({
    example: 2592000,
    description: 'Seconds until the refresh token expires (REFRESH_TOKEN_TTL_SECONDS); each refresh starts a new one',
  })
  refreshExpiresIn!: number;
  @ApiProperty({ type: UserOutput }) user!: UserOutput;
}

/** POST /v1/auth/recover's answer: the same whether or not an account has the address. */
export class RecoverOutput {
  @ApiProperty({
    maxLength: 200,
    example: 'If an account has this address, a link to choose a new password is on its way (valid for 1 hour).',
  })
  message!: string;
}
