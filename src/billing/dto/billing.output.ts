import { ApiProperty } from '@nestjs/swagger';
import { NullableInstantProperty } from '../../common/output-fields.js';

/** Where to send the user: a Stripe Checkout or Customer Portal page. */
export class BillingRedirectOutput {
  @ApiProperty({
    format: 'uri',
    maxLength: 2048,
    example: 'https://checkout.stripe.com/c/pay/cs_test_a1b2c3',
    description: "Stripe's hosted page; it sends the user back to BILLING_RETURN_URL",
  })
  url!: string;
}

/** The organization's subscription as the webhooks last reported it. */
export class BillingOutput {
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 255,
    example: 'price_1QxYz2AbCdEfGhIj',
    description: 'The plan: the Stripe price subscribed to; null before a subscription',
  })
  plan!: string | null;
  @ApiProperty({
    maxLength: 40,
    example: 'active',
    description:
      "Stripe's subscription status (active, trialing, past_due, canceled, unpaid, incomplete…); `none` before a subscription",
  })
  status!: string;
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: 100_000,
    example: 4,
    description: "The organization's members, counted now: what a checkout asks Stripe to bill for",
  })
  seats!: number;
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: 100_000,
    nullable: true,
    example: 4,
    description: "The subscription's quantity as Stripe last reported it; null before a subscription",
  })
  subscribedSeats!: number | null;
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: 100_000,
    nullable: true,
    example: 4,
    description:
      'The quantity the API last set on the subscription from the member count (it follows members joining and leaving); null before the first sync',
  })
  syncedSeats!: number | null;
  @NullableInstantProperty('2026-12-06T16:00:00.000Z', 'When the API last set the quantity')
  seatsSyncedAt!: string | null;
  @ApiProperty({ example: true, description: 'The subscription is active or trialing' })
  hasAccess!: boolean;
  @ApiProperty({
    example: true,
    description:
      'Writes are accepted: access, a grace period not yet over, or no subscription ever lost. False: writes answer 402 PAYMENT_REQUIRED',
  })
  writesAllowed!: boolean;
  @NullableInstantProperty('2027-01-06T16:00:00.000Z', 'When the paid period ends (Stripe renews it)')
  currentPeriodEnd!: string | null;
  @NullableInstantProperty(
    null,
    'Set when access was lost (a failed payment, a cancellation): writes work until then, then answer 402',
  )
  graceEndsAt!: string | null;
}

/** What a webhook did with an event. */
export class BillingWebhookOutput {
  @ApiProperty({ example: true }) received!: boolean;
  @ApiProperty({
    enum: ['applied', 'replayed', 'ignored'],
    example: 'applied',
    description:
      '`applied`: the organization was updated; `replayed`: this event id was handled before (no-op); `ignored`: an event type or customer this API does not act on',
  })
  outcome!: 'applied' | 'replayed' | 'ignored';
}
