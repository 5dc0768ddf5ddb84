import { SetMetadata } from '@nestjs/common';

export const SHOWS_SECRET = 'showsSecret';

/**
 * The route's answer shows a secret once (an API key's, a share link's token):
 * IdempotencyInterceptor refuses an Idempotency-Key there rather than store the answer for
 * a replay.
 */
export const ShowsSecret = (): MethodDecorator => SetMetadata(SHOWS_SECRET, true);
