import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { MemberRole } from '../generated/prisma/enums.js';

export const ROLES = 'roles';
export const WRITER_ROLES: readonly MemberRole[] = ['ADMIN', 'MANAGER', 'AGENT'];
/** Read and removed by openapi.ts, which names the roles in the operation's description. */
export const ROLES_EXTENSION = 'x-roles';

/** Restricts a route's tenant work to these roles (403 otherwise). Writes default to WRITER_ROLES. */
export const Roles = (...roles: MemberRole[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROLES, roles), ApiExtension(ROLES_EXTENSION, roles));
