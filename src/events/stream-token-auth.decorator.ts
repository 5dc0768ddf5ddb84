import { SetMetadata } from '@nestjs/common';

export const STREAM_TOKEN_AUTH = 'streamTokenAuth';
/**
 * The route also takes a stream token as `?token=` (EventSource cannot send an Authorization
 * header): JwtAuthGuard spends it and authenticates its member, bound to its organization.
 */
export const StreamTokenAuth = (): MethodDecorator => SetMetadata(STREAM_TOKEN_AUTH, true);
