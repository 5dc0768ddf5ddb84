import { ApiProperty } from '@nestjs/swagger';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { MAX_CAPTURE_RATE_LIMIT, MAX_ORIGINS } from './capture-key.input.js';

export class CaptureKeyOutput {
  @IdProperty('9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d') id!: string;
  @ApiProperty({ maxLength: 100, example: 'Website contact form' }) name!: string;
  @ApiProperty({
    minLength: 13,
    maxLength: 13,
    example: 'bcrm_pk_…Q4xZ',
    description: 'The prefix and the last four characters of the key, to tell keys apart',
  })
  hint!: string;
  @ApiProperty({
    type: [String],
    maxItems: MAX_ORIGINS,
    items: { type: 'string', maxLength: 2048 },
    example: ['https://www.bayareahomes.example'],
    description: 'Browser origins allowed to post with the key; empty: server-to-server only',
  })
  allowedOrigins!: string[];
  @ApiProperty({ minimum: 1, maximum: MAX_CAPTURE_RATE_LIMIT, example: 30 }) rateLimitPerMinute!: number;
  @ApiProperty({ example: true }) enabled!: boolean;
  @LinkIdProperty('7b1e3c5a-9d2f-4a6b-8c1e-2f3a4b5c6d7e', 'The default campaign of its leads')
  campaignId!: string | null;
  @LinkIdProperty('0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d', 'The ADMIN who created it')
  createdById!: string | null;
  @NullableInstantProperty(null, 'When an ADMIN revoked it; a revoked key answers 401 CAPTURE_KEY_REVOKED')
  revokedAt!: string | null;
  @NullableInstantProperty('2026-12-06T09:30:00.000Z', 'Last use, to the minute') lastUsedAt!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
}

/** The answer to creating a key: the only time the whole key is shown. */
export class CaptureKeyWithSecretOutput extends CaptureKeyOutput {
  @ApiProperty({
    minLength: 51,
    maxLength: 51,
    example: 'bcrm_pk_NXBS1JnNfzBcp2Sjg-mRh7OlhyXKTeF52rTREz9Q4xZ',
    description:
      'The publishable key: put it in your form as `Authorization: Bearer <key>`. Only its hash is stored, so it is shown this once.',
  })
  secret!: string;
}
