import { ApiProperty } from '@nestjs/swagger';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { MemberRole } from '../../generated/prisma/enums.js';
import { API_KEY_SCOPES } from '../scopes.js';

export class ApiKeyOutput {
  @IdProperty('5f0c7a4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b') id!: string;
  @ApiProperty({ maxLength: 100, example: 'Website lead forms' }) name!: string;
  @ApiProperty({
    type: [String],
    enum: API_KEY_SCOPES,
    maxItems: API_KEY_SCOPES.length,
    example: ['leads:read', 'leads:write'],
  })
  scopes!: string[];
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'AGENT' }) role!: MemberRole;
  @ApiProperty({
    minLength: 10,
    maxLength: 10,
    example: 'bcrm_…gzQ4',
    description: 'The prefix and the last four characters of the secret, to tell keys apart',
  })
  hint!: string;
  @LinkIdProperty('0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d', 'The ADMIN who created it; the key acts for them')
  createdById!: string | null;
  @NullableInstantProperty('2027-12-31T23:59:59.000Z', 'When the key stops working; null: never')
  expiresAt!: string | null;
  @NullableInstantProperty(null, 'When an ADMIN revoked it (or its creator left); a revoked key answers 401')
  revokedAt!: string | null;
  @NullableInstantProperty('2026-12-06T09:30:00.000Z', 'Last use, to the minute')
  lastUsedAt!: string | null;
  @NullableInstantProperty(null, 'After a rotation: until when the previous secret keeps working')
  previousSecretExpiresAt!: string | null;
  @InstantProperty() createdAt!: string;
}

/** The answer to creating or rotating a key: the only time its secret is ever shown. */
export class ApiKeyWithSecretOutput extends ApiKeyOutput {
  @ApiProperty({
    minLength: 48,
    maxLength: 48,
    example: 'bcrm_NXBS1JnNfzBcp2Sjg-mRh7OlhyXKTeF52rTREz9gzQ4',
    description: 'The secret: send it as `Authorization: Bearer <secret>`. Shown this once; store it now.',
  })
  secret!: string;
}
