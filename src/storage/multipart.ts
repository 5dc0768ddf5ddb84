import type { Readable } from 'node:stream';
import '@fastify/multipart';
import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { UnsupportedAttachmentType } from './storage.errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by @AcceptsMultipart(). */
    acceptsMultipart?: boolean;
  }
}

/** Marks a route that takes multipart/form-data (uploads); every other route keeps answering it with 415. */
export const AcceptsMultipart = (): MethodDecorator => applyDecorators(RouteConfig({ acceptsMultipart: true }));

/**
 * @fastify/multipart's body parser is global; this keeps multipart/form-data away from
 * the JSON routes, which refuse it with the same 415 as any other non-JSON body.
 */
export function refuseUnexpectedMultipart(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request) => {
    if (request.isMultipart() && !request.routeOptions.config?.acceptsMultipart) {
      throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']);
    }
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
