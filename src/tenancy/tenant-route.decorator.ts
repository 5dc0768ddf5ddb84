import { applyDecorators, Controller } from '@nestjs/common';
import { ApiExtension, ApiTags } from '@nestjs/swagger';
import { isScopeResource, KeyScope } from '../api-keys/scopes.js';
import { UserScoped } from './user-scoped.decorator.js';

export const ORG_HEADER = 'x-organization-id';

/**
 * Who may call a route: anyone, a signed-in user on their own data, a member inside an
 * organization, or a capture key (or an API key) posting leads (src/capture).
 */
export type RouteKind = 'public' | 'user' | 'tenant' | 'capture';
/** Read and removed by openapi.ts, which writes each kind's security and shared errors. */
export const ROUTE_KIND_EXTENSION = 'x-route-kind';

/** An organization's data: bearer auth and X-Organization-Id (see openapi.ts for what that documents). */
export const TenantRoute = (tag?: string): ClassDecorator =>
  applyDecorators(...(tag ? [ApiTags(tag)] : []), ApiExtension(ROUTE_KIND_EXTENSION, 'tenant'));

/** The signed-in user's own data (profile, organization list): bearer auth, no organization. */
export const UserRoute = (tag: string): ClassDecorator =>
  applyDecorators(ApiTags(tag), ApiExtension(ROUTE_KIND_EXTENSION, 'user'));

/**
 * A controller of an organization's data under `/v1/{path}`, listed under `tag`. When the
 * tag is a resource API keys have scopes for (leads, tickets…), keys reach it with those.
 */
export const TenantController = (tag: string, path = tag): ClassDecorator =>
  applyDecorators(
    Controller({ path, version: '1' }),
    TenantRoute(tag),
    ...(isScopeResource(tag) ? [KeyScope(tag)] : []),
  );

/** A controller of the signed-in user's own data under `/v1/{tag}`. */
export const UserController = (tag: string): ClassDecorator =>
  applyDecorators(Controller({ path: tag, version: '1' }), UserScoped(), UserRoute(tag));
