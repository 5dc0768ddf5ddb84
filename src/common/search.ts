/**
 * The `q` parameter of every list: a case-insensitive substring, taken literally — `%` and
 * `_` are characters to find, not LIKE wildcards (`?q=%25` matches a literal "%").
 */

/** q with LIKE's wildcards and its escape character (backslash, Postgres's default) escaped. */
export const escapeLike = (q: string): string => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `%q%` for an ILIKE in hand-written SQL. */
export const containsPattern = (q: string): string => `%${escapeLike(q)}%`;

/** The same for Prisma's query API, whose `contains` adds the `%…%` but escapes nothing. */
export const containsText = (q: string) => ({ contains: escapeLike(q), mode: 'insensitive' as const });
