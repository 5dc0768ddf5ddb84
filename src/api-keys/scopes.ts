import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/** What an API key may be allowed to reach: `<resource>:read` and `<resource>:write`. */
export const SCOPE_RESOURCES = [
  'leads',
  'contacts',
  'deals',
  'listings',
  'activities',
  'appointments',
  'tickets',
  'notifications',
  'analytics',
  'imports',
  'webhooks',
  'audit',
  'events',
  'campaigns',
] as const;
export type ScopeResource = (typeof SCOPE_RESOURCES)[number];
export type ScopeAccess = 'read' | 'write';

/** Resources that are only ever read (the audit history is written by the database). */
const READ_ONLY: ReadonlySet<ScopeResource> = new Set(['analytics', 'audit', 'events']);

/** Every scope a key may hold, `*:read` (every resource's reads) last. */
export const API_KEY_SCOPES: readonly string[] = [
  ...SCOPE_RESOURCES.flatMap((r) => (READ_ONLY.has(r) ? [`${r}:read`] : [`${r}:read`, `${r}:write`])),
  '*:read',
];

export const isScopeResource = (value: string): value is ScopeResource =>
  (SCOPE_RESOURCES as readonly string[]).includes(value);

/**
 * Whether `scopes` allow `required` (`leads:read`): the scope itself, or `*:read` for any
 * read but the audit history's, which is granted only by name.
 */
export function grants(scopes: readonly string[], required: string): boolean {
  if (scopes.includes(required)) return true;
  return required.endsWith(':read') && required !== 'audit:read' && scopes.includes('*:read');
}

/** The first of `required` that `scopes` do not allow, if any. */
export const missingScope = (scopes: readonly string[], required: readonly string[]): string | undefined =>
  required.find((scope) => !grants(scopes, scope));

/** The scope a route needs, when it names one (@KeyScope, or its @TenantController's tag). */
export interface KeyScopeSpec {
  resource: ScopeResource;
  /** Read or write; by default from the method (GET and HEAD read, anything else writes). */
  access?: ScopeAccess;
  /** Scopes needed besides, for a route that also reads or writes other resources (a lead's conversion creates a deal). */
  also?: readonly string[];
}

export const KEY_SCOPE = 'keyScope';
/** Read and removed by openapi.ts, which names the scope in the operation's description. */
export const KEY_SCOPE_EXTENSION = 'x-key-scope';

/**
 * The resource an API key needs a scope of to call this route. Routes without one (the
 * organization's settings, members, API keys themselves, the user's own routes) are closed
 * to keys: 403 API_KEY_NOT_ALLOWED.
 */
export const KeyScope = (
  resource: ScopeResource,
  access?: ScopeAccess,
  also?: readonly string[],
): MethodDecorator & ClassDecorator => {
  const spec: KeyScopeSpec = { resource, ...(access && { access }), ...(also?.length && { also }) };
  return applyDecorators(SetMetadata(KEY_SCOPE, spec), ApiExtension(KEY_SCOPE_EXTENSION, spec));
};

/** The scopes a request with `method` needs under `spec`: `leads:read`, `tickets:write`, and any `also`. */
export const requiredScopes = (spec: KeyScopeSpec, method: string): string[] => [
  `${spec.resource}:${spec.access ?? (method === 'GET' || method === 'HEAD' ? 'read' : 'write')}`,
  ...(spec.also ?? []),
];
