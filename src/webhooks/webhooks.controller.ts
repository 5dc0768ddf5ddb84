import { Body, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf, PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ShowsSecret } from '../idempotency/shows-secret.decorator.js';
import { BillingExempt } from '../tenancy/billing-exempt.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { WebhookDeliveryOutput } from './dto/delivery.output.js';
import { ListDeliveriesQuery } from './dto/list-deliveries.query.js';
import { CreateWebhookInput, RotateWebhookSecretInput, UpdateWebhookInput } from './dto/webhook.input.js';
import { WebhookOutput, WebhookWithSecretOutput } from './dto/webhook.output.js';
import { WebhooksService } from './webhooks.service.js';

const SECRET_ONCE =
  'The answer holds the signing secret, the only time it is shown (it is stored to sign, but the API never reads it back). ' +
  'Idempotency-Key is refused here (a replay would have to store the secret).';
const URL_RULES =
  'VALIDATION_FAILED with a detail on `url`: not https, or a loopback, private, link-local or cloud metadata target (docs/webhooks.md, "SSRF rules").';

/** Outbound webhooks: endpoints the organization's events are POSTed to, signed per Standard Webhooks (docs/webhooks.md). */
@TenantController('webhooks')
@Roles('ADMIN')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Endpoint({ summary: "The organization's webhooks (never their secrets), newest first", ok: PageOf(WebhookOutput) })
  list(@Query() query: PageQuery): Promise<Page<WebhookOutput>> {
    return this.webhooks.list(query);
  }

  @Post()
  @ShowsSecret()
  @Endpoint({
    summary: 'Create a webhook',
    description: `${SECRET_ONCE}\n\n${URL_RULES} Events committed from now on are delivered; earlier ones never are.`,
    ok: WebhookWithSecretOutput,
    created: '/v1/webhooks/{id}',
  })
  create(@Body() input: CreateWebhookInput): Promise<WebhookWithSecretOutput> {
    return this.webhooks.create(input);
  }

  @Get(':id')
  @Endpoint({ summary: 'One webhook (never its secret)', ok: WebhookOutput })
  get(@IdParam() id: string): Promise<WebhookOutput> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @BillingExempt()
  @Endpoint({
    summary: 'Change where a webhook points, what it receives, or enable or disable it',
    description: URL_RULES,
    ok: WebhookOutput,
  })
  update(@IdParam() id: string, @Body() input: UpdateWebhookInput): Promise<WebhookOutput> {
    return this.webhooks.update(id, input);
  }

  @Delete(':id')
  @BillingExempt()
  @Endpoint({ summary: 'Delete a webhook and its delivery log', ok: null })
  remove(@IdParam() id: string): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Post(':id/rotate-secret')
  @BillingExempt()
  @ShowsSecret()
  @Endpoint({
    summary: 'Give a webhook a new signing secret; the current one also signs for gracePeriodSeconds (≤ 24 h)',
    description: `${SECRET_ONCE}\n\nDuring the grace period each delivery carries both signatures in \`webhook-signature\`. CONFLICT: another rotation came first.`,
    ok: WebhookWithSecretOutput,
    errors: [ErrorCode.Conflict],
  })
  rotateSecret(@IdParam() id: string, @Body() input: RotateWebhookSecretInput): Promise<WebhookWithSecretOutput> {
    return this.webhooks.rotateSecret(id, input);
  }

  @Get(':id/deliveries')
  @Endpoint({
    summary: "A webhook's delivery log, newest first, each with its attempts",
    ok: PageOf(WebhookDeliveryOutput),
  })
  deliveries(@IdParam() id: string, @Query() query: ListDeliveriesQuery): Promise<Page<WebhookDeliveryOutput>> {
    return this.webhooks.deliveryLog(id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @Endpoint({
    summary: 'Send a delivery again now, with the same webhook-id and a fresh retry schedule',
    description:
      'BUSINESS_RULE_VIOLATION: the webhook is disabled. CONFLICT: an attempt of this delivery is under way.',
    ok: WebhookDeliveryOutput,
    errors: [ErrorCode.BusinessRule, ErrorCode.Conflict],
  })
  redeliver(@IdParam() id: string, @IdParam('deliveryId') deliveryId: string): Promise<WebhookDeliveryOutput> {
    return this.webhooks.redeliver(id, deliveryId);
  }

  @Post(':id/test')
  @Endpoint({
    summary: 'Send a `webhook.test` ping now (once, no retries), even to a disabled webhook',
    description: 'The answer is the pending delivery; its outcome appears in the delivery log.',
    ok: WebhookDeliveryOutput,
  })
  test(@IdParam() id: string): Promise<WebhookDeliveryOutput> {
    return this.webhooks.test(id);
  }
}
