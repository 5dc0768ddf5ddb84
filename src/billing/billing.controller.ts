import { Body, Get, Post } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ErrorCode } from '../common/errors.js';
import { BillingExempt } from '../tenancy/billing-exempt.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { BillingService } from './billing.service.js';
import { BillingOutput, BillingRedirectOutput } from './dto/billing.output.js';
import { CheckoutInput } from './dto/checkout.input.js';

/** The organization's subscription (docs/billing.md): its ADMINs', and open whatever its state, so it can always pay. */
@TenantController('billing')
@Roles('ADMIN')
@BillingExempt()
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Get()
  @Endpoint({
    summary: "The organization's plan, subscription status, seats and access",
    description: 'BILLING_DISABLED (404) when the server has no STRIPE_SECRET_KEY: every organization is then free.',
    ok: BillingOutput,
    errors: [ErrorCode.BillingDisabled],
  })
  status(): Promise<BillingOutput> {
    return this.billing.status();
  }

  @Post('checkout')
  @Endpoint({
    summary: 'Start a subscription: a Stripe Checkout page for a price, billed per member',
    description:
      "Makes the organization's Stripe customer on first use. Send the user to `url`; Stripe's webhook then records the subscription. 409 when the organization already has an active one (use the portal).",
    ok: BillingRedirectOutput,
    errors: [ErrorCode.BillingDisabled, ErrorCode.Conflict, ErrorCode.BusinessRule, ErrorCode.StripeUnavailable],
  })
  checkout(@Body() input: CheckoutInput): Promise<BillingRedirectOutput> {
    return this.billing.checkout(input.priceId);
  }

  @Post('portal')
  @Endpoint({
    summary: 'Manage the subscription: a Stripe Customer Portal page (plan, card, invoices, cancel)',
    ok: BillingRedirectOutput,
    errors: [ErrorCode.BillingDisabled, ErrorCode.BillingNotSubscribed, ErrorCode.StripeUnavailable],
  })
  portal(): Promise<BillingRedirectOutput> {
    return this.billing.portal();
  }
}
