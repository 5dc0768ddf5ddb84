import { Body, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { IdsPageQuery } from '../common/ids-param.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ShowsSecret } from '../idempotency/shows-secret.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { CaptureKeysService } from './capture-keys.service.js';
import { CreateCaptureKeyInput, UpdateCaptureKeyInput } from './dto/capture-key.input.js';
import { CaptureKeyOutput, CaptureKeyWithSecretOutput } from './dto/capture-key.output.js';

/** Publishable keys for website forms (docs/capture.md): ADMINs only, signed in as themselves. */
@TenantController('capture-keys')
@Roles('ADMIN')
export class CaptureKeysController {
  constructor(private readonly keys: CaptureKeysService) {}

  @Get()
  @Endpoint({
    summary: "The organization's capture keys (never the keys themselves), newest first",
    ok: PageOf(CaptureKeyOutput),
  })
  list(@Query() query: IdsPageQuery): Promise<Page<CaptureKeyOutput>> {
    return this.keys.list(query);
  }

  @Post()
  @ShowsSecret()
  @Endpoint({
    summary: 'Create a capture key for a website form',
    description:
      'The answer holds the key, the only time it is shown (only its SHA-256 and last four characters are stored). ' +
      'It may only call POST /v1/capture/leads and /v1/capture/events, from its allowedOrigins or server-to-server. ' +
      'INVALID_REFERENCE: campaignId is not a live campaign.',
    ok: CaptureKeyWithSecretOutput,
    created: '/v1/capture-keys/{id}',
    errors: [ErrorCode.InvalidReference],
  })
  create(@Body() input: CreateCaptureKeyInput): Promise<CaptureKeyWithSecretOutput> {
    return this.keys.create(input);
  }

  @Get(':id')
  @Endpoint({ summary: 'One capture key (never the key itself)', ok: CaptureKeyOutput })
  get(@IdParam() id: string): Promise<CaptureKeyOutput> {
    return this.keys.get(id);
  }

  @Patch(':id')
  @Endpoint({
    summary:
      "Change a key's name, origins, rate limit, default campaign, or disable it (effective on its next request)",
    description: 'BUSINESS_RULE_VIOLATION: the key is revoked. INVALID_REFERENCE: campaignId is not a live campaign.',
    ok: CaptureKeyOutput,
    errors: [ErrorCode.BusinessRule, ErrorCode.InvalidReference],
  })
  update(@IdParam() id: string, @Body() input: UpdateCaptureKeyInput): Promise<CaptureKeyOutput> {
    return this.keys.update(id, input);
  }

  @Delete(':id')
  @Endpoint({
    summary: 'Revoke a capture key: from its next request it answers 401 CAPTURE_KEY_REVOKED',
    description: 'The key stays listed with its revokedAt. Revoking a revoked key changes nothing.',
    ok: CaptureKeyOutput,
  })
  revoke(@IdParam() id: string): Promise<CaptureKeyOutput> {
    return this.keys.revoke(id);
  }
}
