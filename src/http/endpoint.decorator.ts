import { applyDecorators, Delete, HttpCode, HttpStatus, Post, SetMetadata, type Type } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { ErrorCode } from '../common/errors.js';
import { IfMatch, type VersionedResource } from './versioned.js';

export interface EndpointOptions {
  summary: string;
  description?: string;
  /** The success body's class; a media type for a body that is not JSON; null for 204 No Content. */
  ok: Type<unknown> | MediaBody | null;
  /**
   * The route creates a resource: 201 Created, with `Location` built from this template —
   * `{name}` from the created body, `{:name}` from the request's path (`/v1/tickets/{:id}/comments/{id}`).
   */
  created?: string;
  /** 202 Accepted: the request is taken for processing (a capture) or starts work that finishes later (a job). */
  accepted?: boolean;
  /** The business error codes the route may answer; the ones every route of its kind shares are added to the document. */
  errors?: readonly ErrorCode[];
  /** The route changes this record: If-Match is honoured (412 when stale). */
  ifMatch?: VersionedResource;
  /** Kept for one release; the description says what replaces it. */
  deprecated?: boolean;
}

/** A success body that is not JSON (an iCalendar feed, a file). */
export interface MediaBody {
  /** One media type, or several the route chooses between (by a path parameter or Accept). */
  mediaType: string | readonly string[];
  /** Binary content (a file), or text. */
  binary?: boolean;
  /** The largest body, in bytes for a file, characters for text. */
  maxLength: number;
  example?: string;
  /** An example per media type, when there are several. */
  examples?: Readonly<Record<string, string>>;
}

const isMedia = (ok: EndpointOptions['ok']): ok is MediaBody => typeof ok === 'object' && ok !== null;

/** What the OpenAPI post-processing (openapi.ts) reads from an operation, then removes. */
export interface EndpointContract {
  errors: readonly ErrorCode[];
  ifMatch: boolean;
  created: boolean;
}
export const CONTRACT_EXTENSION = 'x-contract';
export const LOCATION = 'location';

function successResponse(status: number, ok: EndpointOptions['ok']): MethodDecorator {
  if (ok === null) return ApiResponse({ status, description: 'Done; no content' });
  if (isMedia(ok)) {
    const schema = ok.binary
      ? { type: 'string' as const, format: 'binary', maxLength: ok.maxLength }
      : { type: 'string' as const, maxLength: ok.maxLength, ...(ok.example && { example: ok.example }) };
    const types = typeof ok.mediaType === 'string' ? [ok.mediaType] : ok.mediaType;
    return applyDecorators(
      ApiProduces(...types),
      ApiResponse({
        status,
        description: types.join(' or '),
        content: Object.fromEntries(
          types.map((t) => [t, { schema: ok.examples?.[t] ? { ...schema, example: ok.examples[t] } : schema }]),
        ),
      }),
    );
  }
  const description = { 201: 'Created', 202: 'Accepted' }[status] ?? 'OK';
  return ApiResponse({ status, type: ok, description });
}

/**
 * A route's documentation and HTTP contract in one decorator: status, summary, success
 * body, the error codes it may answer, Location on 201 and If-Match on writes. Everything
 * every route shares (auth errors, 429, rate-limit headers, ETags…) is added to the
 * document once, by openapi.ts, from these facts.
 */
export function Endpoint(options: EndpointOptions): MethodDecorator {
  const status =
    options.ok === null
      ? HttpStatus.NO_CONTENT
      : options.created
        ? HttpStatus.CREATED
        : options.accepted
          ? HttpStatus.ACCEPTED
          : HttpStatus.OK;
  const contract: EndpointContract = {
    errors: options.errors ?? [],
    ifMatch: options.ifMatch !== undefined,
    created: options.created !== undefined,
  };
  const decorators = [
    HttpCode(status),
    ApiOperation({
      summary: options.summary,
      ...(options.description && { description: options.description }),
      ...(options.deprecated && { deprecated: true }),
    }),
    successResponse(status, options.ok),
    ApiExtension(CONTRACT_EXTENSION, contract),
  ];
  if (options.created) decorators.push(SetMetadata(LOCATION, options.created));
  if (options.ifMatch) decorators.push(IfMatch(options.ifMatch));
  return applyDecorators(...decorators);
}

/**
 * The soft-delete family, identical on every resource that has it: `DELETE /{id}` hides the
 * record (204) and `POST /{id}/restore` brings it back; both honour If-Match.
 */
export function SoftDeleteRoute(resource: VersionedResource, note = ''): MethodDecorator {
  return applyDecorators(
    Delete(':id'),
    Endpoint({
      summary: `Soft-delete a ${resource}${note}`,
      description: `The ${resource} disappears from lists and reads; an ADMIN sees it with includeDeleted=true and restores it with POST /{id}/restore.`,
      ok: null,
      ifMatch: resource,
    }),
  );
}

export function RestoreRoute(
  resource: VersionedResource,
  ok: Type<unknown>,
  errors: readonly ErrorCode[] = [],
): MethodDecorator {
  return applyDecorators(
    Post(':id/restore'),
    Endpoint({ summary: `Restore a soft-deleted ${resource}`, ok, errors, ifMatch: resource }),
  );
}
