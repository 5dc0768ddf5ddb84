import { ApiProperty } from '@nestjs/swagger';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { WEBHOOK_EVENT_PATTERNS } from '../webhook-events.js';
import { MAX_EVENTS } from './webhook.input.js';

export const DISABLED_REASONS = ['GONE', 'FAILURES'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

export class WebhookOutput {
  @IdProperty('7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f') id!: string;
  @ApiProperty({ maxLength: 2048, example: 'https://hooks.example.com/crm' }) url!: string;
  @ApiProperty({
    type: [String],
    enum: WEBHOOK_EVENT_PATTERNS,
    maxItems: MAX_EVENTS,
    example: ['lead.created', 'deal.*'],
  })
  events!: string[];
  @ApiProperty({ type: String, nullable: true, maxLength: 500, example: 'Website: new leads' })
  description!: string | null;
  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiProperty({
    type: String,
    enum: DISABLED_REASONS,
    nullable: true,
    example: 'FAILURES',
    description:
      'Why the server disabled it: GONE (the endpoint answered 410), FAILURES (too many deliveries in a row failed); null otherwise',
  })
  disabledReason!: DisabledReason | null;
  @NullableInstantProperty(null, 'When the server disabled it')
  disabledAt!: string | null;
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: 2 ** 31 - 1,
    example: 0,
    description: 'Deliveries given up on in a row (every retry failed); a delivered one resets it',
  })
  consecutiveFailures!: number;
  @NullableInstantProperty(null, 'After a rotation: until when the previous secret also signs')
  previousSecretExpiresAt!: string | null;
  @LinkIdProperty('0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d', 'Who created it')
  createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
}

/** The answer to creating a webhook or rotating its secret: the only time the secret is shown. */
export class WebhookWithSecretOutput extends WebhookOutput {
  @ApiProperty({
    minLength: 50,
    maxLength: 50,
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwbrFJXH+WNE0=',
    description:
      "The signing secret (Standard Webhooks: `whsec_` + base64): give it to the receiver's verifier. Shown this once; store it now.",
  })
  secret!: string;
}
