import type { Readable } from 'node:stream';
import '@fastify/multipart';
import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExtension } from '@nestjs/swagger';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { UnsupportedAttachmentType } from './storage.errors.js';
import { MAX_ATTACHMENT_BYTES } from './storage.driver.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by @AcceptsMultipart(). */
    acceptsMultipart?: boolean;
  }
}

/** Marks a route that takes multipart/form-data (uploads); every other route keeps answering it with 415. */
export const AcceptsMultipart = (): MethodDecorator => applyDecorators(RouteConfig({ acceptsMultipart: true }));

/** Read and removed by openapi.ts: the schema (a class) of a route's multipart/form-data body. */
export const MULTIPART_BODY_EXTENSION = 'x-multipart-body';

/**
 * A route that also takes JSON: its multipart/form-data body documented beside the JSON one
 * (Nest's document generator gives every media type of an operation the same schema).
 */
export const MultipartAlternative = (body: { name: string }): MethodDecorator =>
  applyDecorators(RouteConfig({ acceptsMultipart: true }), ApiExtension(MULTIPART_BODY_EXTENSION, body.name));

/**
 * @fastify/multipart's body parser is global; this keeps multipart/form-data away from
 * the JSON routes, which refuse it with the same 415 as any other non-JSON body.
 */
export function refuseUnexpectedMultipart(fastify: FastifyInstance): void {
  // A callback hook: on every request, an async one would cost a promise and Fastify's wait on it.
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (request.isMultipart() && !request.routeOptions.config?.acceptsMultipart) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']));
      return;
    }
    done();
  });
}

/** One uploaded file, not yet read: its bytes are a stream straight off the request. */
export interface IncomingFile {
  fileName: string;
  /** The part's Content-Type as the client declared it. */
  declaredType: string;
  /** busboy sets `truncated` when the file went over the multipart fileSize limit. */
  stream: Readable & { truncated?: boolean };
}

/** Resolves with the request's first file part (undefined when there is none). */
export type NextFile = () => Promise<IncomingFile | undefined>;

/**
 * `@UploadedFileStream() next: NextFile` — a route parameter that hands the service a
 * way to take the upload when it is ready for it (after checking access), streamed,
 * never buffered. @fastify/multipart is registered once in app.factory.ts.
 */
export const UploadedFileStream = createParamDecorator((_data: unknown, ctx: ExecutionContext): NextFile => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return async () => {
    if (!request.isMultipart()) throw new UnsupportedAttachmentType('Send the file as multipart/form-data');
    const part = await request.file();
    if (!part) return undefined;
    return { fileName: part.filename, declaredType: part.mimetype, stream: part.file };
  };
});

/** One part of a multipart body: a text field, or the (single) file, not yet read. */
export type IncomingPart =
  { kind: 'field'; name: string; value: string; truncated: boolean } | ({ kind: 'file'; name: string } & IncomingFile);

/** The parts of a multipart body in order, or undefined when the request is not multipart (a JSON body). */
export type NextParts = (() => AsyncIterable<IncomingPart>) | undefined;

/** Fields an upload with a few settings beside its file may carry (imports: target, mapping…). */
const PART_LIMITS = { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 10, fieldSize: 16_384, parts: 11 };

/**
 * `@UploadedParts() parts: NextParts` — for a route that takes either JSON or a multipart
 * upload with fields before its file: the parts as a stream (the file is never buffered).
 */
export const UploadedParts = createParamDecorator((_data: unknown, ctx: ExecutionContext): NextParts => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!request.isMultipart()) return undefined;
  return async function* () {
    for await (const part of request.parts({ limits: PART_LIMITS })) {
      if (part.type === 'file') {
        yield {
          kind: 'file',
          name: part.fieldname,
          fileName: part.filename,
          declaredType: part.mimetype,
          stream: part.file,
        };
      } else {
        yield {
          kind: 'field',
          name: part.fieldname,
          value: typeof part.value === 'string' ? part.value : String(part.value),
          truncated: part.valueTruncated,
        };
      }
    }
  };
});
