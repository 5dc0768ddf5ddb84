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
  @ApiProperty({ example: 3600, description: 'Seconds until the token expires' }) expiresIn!: number;
  @ApiProperty({ type: UserOutput }) user!: UserOutput;
}
