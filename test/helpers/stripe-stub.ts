import { createServer, type IncomingMessage, type Server } from 'node:http';
import { baseUrlOf } from './net.js';

/** One API call the app made to the stub: Stripe sends form-encoded bodies (`line_items[0][price]=…`). */
export interface StripeCall {
  method: string;
  path: string;
  form: Record<string, string>;
  idempotencyKey?: string;
  authorization?: string;
}

export interface StripeStub {
  url: string;
  calls: StripeCall[];
  /** Subscriptions GET /v1/subscriptions/{id} answers with. */
  subscriptions: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

const itemsOf = (subscription: Record<string, unknown>): { id: string; quantity?: number }[] =>
  (subscription.items as { data: { id: string; quantity?: number }[] }).data;

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * A local HTTP stand-in for the few Stripe endpoints billing calls (customers, Checkout
 * Sessions, Customer Portal sessions, subscriptions and their items' quantity), recording each call. `price_unknown`
 * is refused the way Stripe refuses a price it does not have.
 */
export async function startStripeStub(): Promise<StripeStub> {
  const calls: StripeCall[] = [];
  const subscriptions = new Map<string, Record<string, unknown>>();
  let customers = 0;
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const path = (req.url ?? '').split('?')[0];
      const form = Object.fromEntries(new URLSearchParams(text));
      const key = req.headers['idempotency-key'];
      calls.push({
        method: req.method ?? '',
        path,
        form,
        idempotencyKey: typeof key === 'string' ? key : undefined,
        authorization: req.headers.authorization,
      });
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${calls.length}` });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && path === '/v1/customers') {
        customers += 1;
        return send(200, { id: `cus_stub${customers}`, object: 'customer', name: form.name ?? null });
      }
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        if (form['line_items[0][price]'] === 'price_unknown') {
          return send(400, {
            error: {
              type: 'invalid_request_error',
              message: 'No such price: price_unknown',
              param: 'line_items[0][price]',
            },
          });
        }
        return send(200, {
          id: `cs_test_${calls.length}`,
          object: 'checkout.session',
          url: `https://checkout.stripe.test/c/pay/cs_test_${calls.length}`,
        });
      }
      if (req.method === 'POST' && path === '/v1/billing_portal/sessions') {
        return send(200, {
          id: `bps_${calls.length}`,
          object: 'billing_portal.session',
          url: `https://billing.stripe.test/p/session/bps_${calls.length}`,
        });
      }
      const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && sub && subscriptions.has(sub[1])) return send(200, subscriptions.get(sub[1]));
      // A quantity change on a subscription's item, kept on the stored subscription (the seat sync).
      const item = /^\/v1\/subscription_items\/([^/]+)$/.exec(path);
      const owner = item
        ? [...subscriptions.values()].find((s) => itemsOf(s).some((i) => i.id === item[1]))
        : undefined;
      if (req.method === 'POST' && item && owner) {
        const found = itemsOf(owner).find((i) => i.id === item[1]);
        if (found && form.quantity !== undefined) found.quantity = Number(form.quantity);
        return send(200, found);
      }
      return send(404, { error: { type: 'invalid_request_error', message: `No stub for ${req.method} ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: baseUrlOf(server),
    calls,
    subscriptions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A subscription as Stripe sends it (API 2025+: the period and the quantity are on its item). */
export function subscription(
  id: string,
  customer: string,
  fields: { status: string; priceId?: string; quantity?: number; periodEnd?: number },
): Record<string, unknown> {
  return {
    id,
    object: 'subscription',
    customer,
    status: fields.status,
    items: {
      object: 'list',
      data: [
        {
          id: `si_${id}`,
          object: 'subscription_item',
          price: { id: fields.priceId ?? 'price_pro', object: 'price' },
          quantity: fields.quantity ?? 1,
          current_period_end: fields.periodEnd ?? 1_800_000_000,
        },
      ],
    },
  };
}
