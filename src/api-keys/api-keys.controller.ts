import { Body, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { IdsPageQuery } from '../common/ids-param.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ShowsSecret } from '../idempotency/shows-secret.decorator.js';
import { BillingExempt } from '../tenancy/billing-exempt.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyInput, RotateApiKeyInput, UpdateApiKeyInput } from './dto/api-key.input.js';
import { ApiKeyOutput, ApiKeyWithSecretOutput } from './dto/api-key.output.js';

const SECRET_ONCE =
  'The answer holds the secret, the only time it is shown: only its SHA-256 and last four characters are stored. ' +
  'Idempotency-Key is refused here (a replay would have to store the secret).';

/** Keys for integrations (website forms, feeds, automations), managed by ADMINs signed in as themselves. */
@TenantController('api-keys')
@Roles('ADMIN')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @Endpoint({ summary: "The organization's API keys (never their secrets), newest first", ok: PageOf(ApiKeyOutput) })
  list(@Query() query: IdsPageQuery): Promise<Page<ApiKeyOutput>> {
    return this.keys.list(query);
  }

  @Post()
  @ShowsSecret()
  @Endpoint({
    summary: 'Create an API key',
    description: SECRET_ONCE,
    ok: ApiKeyWithSecretOutput,
    created: '/v1/api-keys/{id}',
  })
  create(@Body() input: CreateApiKeyInput): Promise<ApiKeyWithSecretOutput> {
    return this.keys.create(input);
  }

  @Get(':id')
  @Endpoint({ summary: 'One API key (never its secret)', ok: ApiKeyOutput })
  get(@IdParam() id: string): Promise<ApiKeyOutput> {
    return this.keys.get(id);
  }

  @Patch(':id')
  @BillingExempt()
  @Endpoint({
    summary: "Rename a key or change its scopes (effective on the key's next request)",
    description: 'BUSINESS_RULE_VIOLATION: the key is revoked.',
    ok: ApiKeyOutput,
    errors: [ErrorCode.BusinessRule],
  })
  update(@IdParam() id: string, @Body() input: UpdateApiKeyInput): Promise<ApiKeyOutput> {
    return this.keys.update(id, input);
  }

  @Delete(':id')
  @BillingExempt()
  @Endpoint({
    summary: 'Revoke a key: from its next request it answers 401 API_KEY_REVOKED',
    description: 'The key stays listed with its revokedAt. Revoking a revoked key changes nothing.',
    ok: ApiKeyOutput,
  })
  revoke(@IdParam() id: string): Promise<ApiKeyOutput> {
    return this.keys.revoke(id);
  }

  @Post(':id/rotate')
  @BillingExempt()
  @ShowsSecret()
  @Endpoint({
    summary: 'Give a key a new secret; the current one keeps working for gracePeriodSeconds (≤ 24 h)',
    description: `${SECRET_ONCE}\n\nBUSINESS_RULE_VIOLATION: the key is revoked or expired. CONFLICT: another rotation or a revocation came first.`,
    ok: ApiKeyWithSecretOutput,
    errors: [ErrorCode.BusinessRule, ErrorCode.Conflict],
  })
  rotate(@IdParam() id: string, @Body() input: RotateApiKeyInput): Promise<ApiKeyWithSecretOutput> {
    return this.keys.rotate(id, input);
  }
}
