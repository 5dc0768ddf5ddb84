import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiExtension, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ErrorCode } from '../common/errors.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ROUTE_KIND_EXTENSION } from '../tenancy/tenant-route.decorator.js';
import { CaptureGuard } from './capture.guard.js';
import { CaptureService } from './capture.service.js';
import { CaptureEventInput, CaptureLeadInput } from './dto/capture.input.js';
import { CaptureAcceptedOutput } from './dto/capture.output.js';

const AUTH =
  'Authorization: `Bearer bcrm_pk_…` (a capture key: from a browser on one of its allowedOrigins, or from a server with no Origin) ' +
  'or `Bearer bcrm_…` (an API key with `leads:write`, server-to-server). Idempotency-Key is honoured (24 h). ' +
  'The answer is the same 202 whether the person was new or already a lead, and for a filled honeypot (`website`), which saves nothing. ' +
  'See docs/capture.md.';

const ERRORS = [
  ErrorCode.Unauthorized,
  ErrorCode.CaptureKeyInvalid,
  ErrorCode.CaptureKeyRevoked,
  ErrorCode.CaptureKeyDisabled,
  ErrorCode.ApiKeyInvalid,
  ErrorCode.ApiKeyExpired,
  ErrorCode.ApiKeyRevoked,
  ErrorCode.InsufficientScope,
  ErrorCode.OriginNotAllowed,
];

/** Website forms and portals posting leads (docs/capture.md): authenticated by CaptureGuard, not by a member's token. */
@ApiTags('capture')
@ApiExtension(ROUTE_KIND_EXTENSION, 'capture')
@Public()
@UseGuards(CaptureGuard)
@Controller({ path: 'capture', version: '1' })
export class CaptureController {
  constructor(private readonly capture: CaptureService) {}

  @Post('leads')
  @Endpoint({
    summary: 'A website form or waitlist sign-up: creates or updates the lead, logs it, assigns and notifies',
    description: AUTH,
    ok: CaptureAcceptedOutput,
    accepted: true,
    errors: ERRORS,
  })
  lead(@Body() input: CaptureLeadInput): Promise<CaptureAcceptedOutput> {
    return this.capture.captureLead(input);
  }

  @Post('events')
  @Endpoint({
    summary: "An event in Follow Up Boss's style (Registration, Property Inquiry, Showing Request…) about a person",
    description: AUTH,
    ok: CaptureAcceptedOutput,
    accepted: true,
    errors: ERRORS,
  })
  event(@Body() input: CaptureEventInput): Promise<CaptureAcceptedOutput> {
    return this.capture.captureEvent(input);
  }
}
