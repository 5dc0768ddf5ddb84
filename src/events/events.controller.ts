import { Get, Headers, Post, Query, Res } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DetailCode, ErrorCode, ValidationFailed } from '../common/errors.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ShowsSecret } from '../idempotency/shows-secret.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { EventPage, StreamTokenOutput } from './dto/event.output.js';
import { isEventId, ListEventsQuery, StreamQuery } from './dto/events.query.js';
import { EventsService } from './events.service.js';
import { StreamTokenAuth } from './stream-token-auth.decorator.js';
import { BillingExempt } from '../tenancy/billing-exempt.decorator.js';

const ANY_MEMBER = ['ADMIN', 'MANAGER', 'AGENT', 'VIEWER'] as const;

const STREAM_DESCRIPTION = [
  'Server-Sent Events: every change in the organization you may see, as it commits — the same events as',
  'GET /v1/events, each as `id: <event id>`, `event: <type>`, `data: <the event as JSON>`. A comment line',
  '(`: heartbeat`) every 15 seconds keeps an idle stream open. Reconnecting with `Last-Event-ID` (EventSource',
  'does it by itself) resumes after that event with no gap and no duplicate. An AGENT receives events only on',
  'records they can see (as the API shows them) and on what they did themselves; a notification only reaches',
  'its recipient. A stream whose member loses access ends with a `stream.closed` event.',
  '',
  "Authenticate with the Authorization header, or, from a browser's EventSource (which cannot send one), with a",
  'single-use token from POST /v1/events/stream-tokens as `?token=`.',
].join('\n');

@TenantController('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @Endpoint({
    summary: 'The events you may see, oldest first, after an event id (for polling)',
    description:
      "Each change is one event, in the order the changes committed. Pass the previous page's nextAfter as `after` " +
      'to continue; an empty page means nothing new yet.',
    ok: EventPage,
  })
  list(@Query() query: ListEventsQuery): Promise<EventPage> {
    return this.events.list(query);
  }

  @Get('stream')
  @StreamTokenAuth()
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this event id (EventSource sends it when it reconnects)',
    schema: { type: 'string', pattern: '^[0-9]{1,18}$', maxLength: 18 },
  })
  @Endpoint({
    summary: 'A realtime stream of events (Server-Sent Events)',
    description: STREAM_DESCRIPTION,
    ok: {
      mediaType: 'text/event-stream',
      maxLength: 10_000_000,
      example: 'id: 1042\nevent: lead.assigned\ndata: {"id":"1042","type":"lead.assigned",…}\n\n',
    },
    errors: [ErrorCode.StreamTokenInvalid],
  })
  async stream(
    @Query() query: StreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (lastEventId !== undefined && !isEventId(lastEventId)) {
      throw new ValidationFailed([
        { field: 'Last-Event-ID', message: 'must be an event id', code: DetailCode.InvalidFormat },
      ]);
    }
    await this.events.openStream(query, lastEventId, reply);
  }

  @Post('stream-tokens')
  @Roles(...ANY_MEMBER)
  // A token to read the event stream: a read, whatever the method (docs/billing.md).
  @BillingExempt()
  @ShowsSecret()
  @Endpoint({
    summary: 'A single-use token to open the event stream from a browser',
    description:
      'For `new EventSource(url)`, which cannot send an Authorization header: valid once, for 60 seconds, for you in ' +
      'this organization. API keys send their header to the stream instead.',
    ok: StreamTokenOutput,
    created: '/v1/events/stream',
  })
  mintStreamToken(): Promise<StreamTokenOutput> {
    return this.events.mintStreamToken();
  }
}
