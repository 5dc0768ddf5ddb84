import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const BILLING_EXEMPT = 'billingExempt';
/** Read and removed by openapi.ts, which then leaves 402 out of the operation's errors. */
export const BILLING_EXEMPT_EXTENSION = 'x-billing-exempt';

/**
 * A write that still works when the organization's subscription has lapsed (docs/billing.md):
 * paying (the billing routes) and taking one's data out (exports) must never answer 402.
 */
export const BillingExempt = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(BILLING_EXEMPT, true), ApiExtension(BILLING_EXEMPT_EXTENSION, true));
