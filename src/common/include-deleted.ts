import type { MemberRole } from '../generated/prisma/enums.js';
import { Forbidden } from './errors.js';

/** `includeDeleted=true` on a list is for ADMINs only (403 FORBIDDEN otherwise). */
export function assertMayIncludeDeleted(includeDeleted: boolean | undefined, role: MemberRole): void {
  if (includeDeleted && role !== 'ADMIN') throw new Forbidden('Only an ADMIN may list deleted records');
}
