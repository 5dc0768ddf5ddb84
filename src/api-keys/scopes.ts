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
] as const;
export type ScopeResource = (typeof SCOPE_RESOURCES)[number];
export type ScopeAccess = 'read' | 'write';

/** Resources that are only ever read (the audit history is written by the database). */
const READ_ONLY: ReadonlySet<ScopeResource> = new Set(['analytics', 'audit']);

/** Every scope a key may hold, `*:read` (every resource's reads) last. */
export const API_KEY_SCOPES: readonly string[] = [
  ...SCOPE_RESOURCES.flatMap((r) => (READ_ONLY.has(r) ? [`${r}:read`] : [`${r}:read`, `${r}:write`])),
  '*:read',
];

export const isScopeResource = (value: string): value is ScopeResource =>
  (SCOPE_RESOURCES as readonly string[]).includes(value);

/** Whether `scopes` allow `required` (`leads:read`): the scope itself, or `*:read` for any read. */
export function grants(scopes: readonly string[], required: string): boolean {
  return scopes.includes(required) || (required.endsWith(':read') && scopes.includes('*:read'));
}

/** The scope a route needs, when it names one (@KeyScope, or its @TenantController's tag). */
export interface KeyScopeSpec {
  resource: ScopeResource;
  /** Read or write; by default from the method (GET and HEAD read, anything else writes). */
  access?: ScopeAccess;
}

export const KEY_SCOPE = 'keyScope';
/** Read and removed by openapi.ts, which names the scope in the operation's description. */
export const KEY_SCOPE_EXTENSION = 'x-key-scope';

/**
 * The resource an API key needs a scope of to call this route. Routes without one (the
 * organization's settings, members, API keys themselves, the user's own routes) are closed
 * to keys: 403 API_KEY_NOT_ALLOWED.
 */
export const KeyScope = (resource: ScopeResource, access?: ScopeAccess): MethodDecorator & ClassDecorator => {
  const spec: KeyScopeSpec = { resource, ...(access && { access }) };
  return applyDecorators(SetMetadata(KEY_SCOPE, spec), ApiExtension(KEY_SCOPE_EXTENSION, spec));
};

/** The scope a request with `method` needs under `spec`: `leads:read`, `tickets:write`. */
export const requiredScope = (spec: KeyScopeSpec, method: string): string =>
  `${spec.resource}:${spec.access ?? (method === 'GET' || method === 'HEAD' ? 'read' : 'write')}`;
