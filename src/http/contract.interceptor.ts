import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { map, type Observable } from 'rxjs';
import { DomainError, ErrorCode } from '../common/errors.js';
import { isUuid } from '../common/uuid-param.pipe.js';
import { requestHooks } from '../database/tenant-db.js';
import { ConditionalRepository } from './conditional.repository.js';
import { LOCATION } from './endpoint.decorator.js';
import { etagOf, IF_MATCH, ifMatchSatisfied, VERSIONED, type VersionedResource } from './versioned.js';

/** 412: the record changed since the client read it; its current ETag is in the header and `ref`. */
export class PreconditionFailed extends DomainError {
  constructor(etag: string) {
    super(
      412,
      ErrorCode.PreconditionFailed,
      'The record was changed by someone else since you read it: fetch it again, then retry with its new ETag',
      undefined,
      { etag },
    );
    this.headers = { etag };
  }
}

/** The body is one resource (not a `{data, meta}` page, not empty). */
function singleResource(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !('meta' in body && 'data' in body);
}

/**
 * The response headers of the API's contract, and If-Match: an ETag on every
 * single-resource response — the record's version when it has one, else a hash of the
 * body — Location on 201s, and If-Match on the routes marked @IfMatch, checked inside the
 * route's transaction (TenantDb's onBegin hook).
 */
@Injectable()
export class ContractInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cls: ClsService,
    private readonly versions: ConditionalRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const resource = this.reflector.get<VersionedResource | undefined>(IF_MATCH, context.getHandler());
    const ifMatch = request.headers['if-match'];
    if (resource && typeof ifMatch === 'string') this.checkBeforeWriting(request, resource, ifMatch);
    const reply = http.getResponse<FastifyReply>();
    const location = this.reflector.get<string | undefined>(LOCATION, context.getHandler());
    return next.handle().pipe(
      map((body: unknown) => {
        if (reply.statusCode >= 300 || !singleResource(body)) return body;
        void reply.header('etag', etagFor(body));
        if (location && reply.statusCode === 201) {
          void reply.header('location', locationOf(location, body, request.params as Record<string, string>));
        }
        return body;
      }),
    );
  }

  private checkBeforeWriting(request: FastifyRequest, resource: VersionedResource, ifMatch: string): void {
    const id = (request.params as Record<string, string | undefined>)[VERSIONED[resource].param];
    if (!id || !isUuid(id)) return; // the route's own validation answers
    requestHooks(this.cls).onBegin = async () => {
      const version = await this.versions.lockVersion(resource, id.toLowerCase());
      // Not visible: the route's own lookup answers 404.
      if (version !== null && !ifMatchSatisfied(ifMatch, version)) throw new PreconditionFailed(etagOf(version));
    };
  }
}

/** A Location template filled in: `{name}` from the created body, `{:name}` from the request's path. */
function locationOf(template: string, body: Record<string, unknown>, params: Record<string, string>): string {
  return template.replace(/\{(:?)(\w+)\}/g, (_, fromPath: string, name: string) =>
    encodeURIComponent(String((fromPath ? params[name] : body[name]) ?? '')),
  );
}

/** The version's tag, or a strong tag hashed from the JSON (the bytes Fastify will send). */
export function etagFor(body: Record<string, unknown>): string {
  if (typeof body.version === 'number') return etagOf(body.version);
  return `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 22)}"`;
}
