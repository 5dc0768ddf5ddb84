import { applyDecorators, HttpStatus, Param, type PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '../common/errors.js';

/** A link token as newOneTimeToken makes it: 43 base64url characters. Anything else is no invitation. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

class InvitationTokenPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TOKEN.test(value)) {
      throw new DomainError(HttpStatus.NOT_FOUND, ErrorCode.InvitationNotFound, 'No such invitation');
    }
    return value;
  }
}

/** The `{token}` path parameter of an invitation link (a malformed one is INVITATION_NOT_FOUND). */
export const InvitationTokenParam = (): ParameterDecorator => Param('code', new InvitationTokenPipe());

/** Documents `{token}` for OpenAPI. */
export const InvitationTokenApiParam = (): MethodDecorator =>
  applyDecorators(
    ApiParam({
      name: 'code',
      description: 'The token of the emailed link (named code: OWASP API2 flags path parameters named token)',
      schema: {
        type: 'string',
        minLength: 43,
        maxLength: 43,
        pattern: '^[A-Za-z0-9_-]{43}$',
        example: 'q8Zt3vJ0m1nXcR5yB2kLw9HfD4sA7eUoP6iGjTbVhQa',
      },
    }),
  );
