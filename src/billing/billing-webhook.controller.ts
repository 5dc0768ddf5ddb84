import { Controller, Headers, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ErrorCode } from '../common/errors.js';
import { RawBody } from '../common/raw-body.decorator.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { BillingService } from './billing.service.js';
import { BillingWebhookOutput } from './dto/billing.output.js';

/** Where Stripe posts billing events; its signature is the only credential. */
@ApiTags('public')
@Public()
@Controller({ path: 'billing/webhook', version: '1' })
export class BillingWebhookController {
  constructor(private readonly billing: BillingService) {}

  @Post()
  @Endpoint({
    summary: 'Stripe posts a billing event (checkout completed, subscription changed or deleted, payment failed)',
    description:
      "Verified with the `Stripe-Signature` header and STRIPE_WEBHOOK_SECRET on the body's exact bytes. Each event id is applied once: a replay answers 200 with outcome `replayed` and changes nothing.",
    ok: BillingWebhookOutput,
    errors: [ErrorCode.BillingDisabled, ErrorCode.StripeSignatureInvalid, ErrorCode.StripeUnavailable],
  })
  receive(
    @RawBody() rawBody: string | undefined,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<BillingWebhookOutput> {
    return this.billing.receive(rawBody, signature);
  }
}
