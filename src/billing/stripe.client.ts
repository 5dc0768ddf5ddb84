import type { Provider } from '@nestjs/common';
import type Stripe from 'stripe';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/** Injection token of the Stripe client: null when billing is off (no STRIPE_SECRET_KEY). */
export const STRIPE = Symbol('STRIPE');

/**
 * One client for the process. STRIPE_API_URL points it at a mock (the tests' stub); no
 * automatic retries, so a call that fails answers 503 at once and the user retries.
 * The SDK is imported only when billing is on: a server without it does not hold it.
 */
export const stripeProvider: Provider = {
  provide: STRIPE,
  inject: [APP_CONFIG],
  useFactory: async ({ billing }: AppConfig): Promise<Stripe | null> => {
    if (!billing.stripe) return null;
    const { default: Stripe } = await import('stripe');
    return new Stripe(billing.stripe.secretKey, {
      maxNetworkRetries: 0,
      timeout: 10_000,
      ...(billing.stripe.api && {
        host: billing.stripe.api.host,
        port: billing.stripe.api.port,
        protocol: billing.stripe.api.protocol,
      }),
    });
  },
};
