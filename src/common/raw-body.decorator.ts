import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** `@RawBody() text: string | undefined` — the JSON body's exact text (what a signature covers; json-body.ts keeps it). */
export const RawBody = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined =>
    ctx.switchToHttp().getRequest<FastifyRequest>().rawBody,
);
