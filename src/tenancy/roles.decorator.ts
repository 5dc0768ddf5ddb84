import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import type { MemberRole } from '../generated/prisma/enums.js';

export const ROLES = 'roles';
export const WRITER_ROLES: readonly MemberRole[] = ['ADMIN', 'MANAGER', 'AGENT'];

/** Restricts a route's tenant work to these roles (403 otherwise). Writes default to WRITER_ROLES. */
export const Roles = (...roles: MemberRole[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ROLES, roles),
    ApiForbiddenResponse({ type: ErrorBody, description: `Requires role ${roles.join(' or ')}` }),
  );
