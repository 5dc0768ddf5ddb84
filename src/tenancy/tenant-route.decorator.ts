import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiHeader,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';

export const ORG_HEADER = 'x-organization-id';

/** Documents what every organization-scoped route shares: bearer auth, X-Organization-Id and its errors. */
export const TenantRoute = (): ClassDecorator =>
  applyDecorators(
    ApiBearerAuth(),
    ApiHeader({
      name: 'X-Organization-Id',
      required: false,
      description: 'Organization to act in (UUID). Optional when you belong to exactly one.',
      schema: { type: 'string', format: 'uuid' },
    }),
    ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input, or X-Organization-Id missing/not a UUID' }),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Missing, expired or invalid access token' }),
    ApiForbiddenResponse({ type: ErrorBody, description: 'Not a member of the organization, or role too low' }),
    ApiServiceUnavailableResponse({ type: ErrorBody, description: 'Database unavailable' }),
  );

/** The same for routes on the user's own data. */
export const UserRoute = (): ClassDecorator =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Missing, expired or invalid access token' }),
    ApiServiceUnavailableResponse({ type: ErrorBody, description: 'Database unavailable' }),
  );
