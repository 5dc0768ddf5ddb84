import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { RawBody } from '../common/raw-body.decorator.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { InboundOutput, InboundRecordInput } from './dto/inbound.dto.js';
import { InboundService } from './inbound.service.js';

/** Where portals post leads to a WEBHOOK data source; the signature is the only credential. */
@ApiTags('public')
@Public()
@Controller({ path: 'inbound', version: '1' })
export class InboundController {
  constructor(private readonly inbound: InboundService) {}

  @Post(':sourceId')
  @HttpCode(200)
  // The anonymous per-IP budget, not the strict one: a portal posts many leads from one address, and an
  // HMAC-SHA256 signature is not guessed at 300 tries a minute.
  @ApiBody({ type: InboundRecordInput })
  @Endpoint({
    summary: 'A portal posts one record to a WEBHOOK data source (signed per Standard Webhooks)',
    description:
      "Headers webhook-id, webhook-timestamp (within 5 minutes) and webhook-signature (`v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">` with the source's secret). The record goes through the source's mapping, the target's validation and its duplicate keys, like an import row. UNAUTHORIZED: unknown source or bad signature (alike).",
    ok: InboundOutput,
  })
  receive(
    @IdParam('sourceId') sourceId: string,
    @RawBody() rawBody: string | undefined,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: unknown,
  ): Promise<InboundOutput> {
    return this.inbound.receive(sourceId, rawBody, headers, body);
  }
}
