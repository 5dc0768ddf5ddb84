import { Prisma } from '../generated/prisma/client.js';

/** JSON null must reach Prisma as DbNull for a Json? column; undefined leaves the column alone. */
export function jsonInput(v: Record<string, unknown> | null | undefined) {
  return v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue | undefined);
}
