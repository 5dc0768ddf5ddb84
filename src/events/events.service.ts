import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { Unauthorized, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { CLS_SCOPE, type RequestScope } from '../database/tenant-context.js';
import type { EventPage, StreamTokenOutput } from './dto/event.output.js';
import type { ListEventsQuery, StreamQuery } from './dto/events.query.js';
import { EventStream } from './event-stream.js';
import { matchesEventType } from './event-types.js';
import { EventsHub } from './events.hub.js';
import { toEventOutput } from './events.mapper.js';
import { EventsRepository } from './events.repository.js';
import { hashStreamToken, newStreamToken, STREAM_TOKEN_PREFIX, STREAM_TOKEN_TTL_MS } from './stream-token.js';

@Injectable()
export class EventsService {
  constructor(
    private readonly db: TenantDb,
    private readonly events: EventsRepository,
    private readonly hub: EventsHub,
    private readonly cls: ClsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A page of the outbox for polling clients: what the member may see, oldest first. */
  list(query: ListEventsQuery): Promise<EventPage> {
    const after = BigInt(query.after ?? '0');
    return this.db.run(async () => {
      const rows = await this.events.after(after, query.limit);
      const wanted = query.types ? rows.filter((r) => matchesEventType(query.types ?? [], r.type)) : rows;
      return {
        data: wanted.map(toEventOutput),
        nextAfter: (rows.at(-1)?.seq ?? after).toString(),
      };
    });
  }

  mintStreamToken(): Promise<StreamTokenOutput> {
    const token = newStreamToken();
    const expiresAt = new Date(Date.now() + STREAM_TOKEN_TTL_MS);
    return this.db.run(async () => {
      await this.events.mintStreamToken(hashStreamToken(token), expiresAt);
      return { token, expiresAt: expiresAt.toISOString(), url: `/v1/events/stream?token=${token}` };
    });
  }

  /** The member a stream token stands for, spending it; 401 when it is not (or no longer) good. */
  async redeemStreamToken(token: string): Promise<{ orgId: string; userId: string }> {
    const found = token.startsWith(STREAM_TOKEN_PREFIX)
      ? await this.db.runTrusted({}, () => this.events.redeemStreamToken(hashStreamToken(token)))
      : undefined;
    if (!found) {
      throw new Unauthorized(
        'The stream token is unknown, already used or expired: mint another',
        ErrorCode.StreamTokenInvalid,
      );
    }
    return found;
  }

  /**
   * Opens a Server-Sent Events stream on the raw response: membership (or the API key) is
   * resolved first, so a refusal is an ordinary JSON error; then the stream starts after
   * `lastEventId` (a reconnecting EventSource's Last-Event-ID), or from now.
   */
  async openStream(query: StreamQuery, lastEventId: string | undefined, reply: FastifyReply): Promise<void> {
    const resume = lastEventId ?? query.lastEventId;
    const { userId, orgId, role, latest } = await this.db.run(async () => ({
      userId: this.db.userId,
      orgId: this.db.orgId,
      role: this.db.role,
      latest: resume === undefined ? await this.events.latestSeq() : 0n,
    }));
    const scope = this.cls.get<RequestScope>(CLS_SCOPE);
    const principal = { userId, orgId, ...(scope.apiKey && { apiKey: scope.apiKey }) };

    reply.hijack();
    const raw = reply.raw;
    // The client left while membership was being resolved: nothing to stream to.
    if (raw.destroyed || reply.request.raw.destroyed) {
      raw.end();
      return;
    }
    // Headers set so far (CORS, request id, rate limits) are the reply's, which hijack leaves unsent.
    const headers = Object.fromEntries(
      Object.entries(reply.getHeaders()).filter(
        (entry): entry is [string, string | number | string[]] => entry[1] !== undefined,
      ),
    );
    raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies (nginx) must not buffer a stream.
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 3000\n\n');
    const stream = new EventStream(
      principal,
      raw,
      resume === undefined ? latest : BigInt(resume),
      query.types,
      this.config.events.streamBufferBytes,
      (s) => this.hub.remove(s),
    );
    this.hub.add(stream, role);
  }
}
