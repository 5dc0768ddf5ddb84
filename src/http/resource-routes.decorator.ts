import { Body, Delete, Get, Patch, Post, Query, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { Endpoint, type EndpointOptions, RestoreRoute, SoftDeleteRoute } from './endpoint.decorator.js';
import type { VersionedResource } from './versioned.js';

/** A standard route's documentation: what `@Endpoint` takes, less If-Match, which follows from the route. */
type RouteDoc = Omit<EndpointOptions, 'ifMatch'>;

/**
 * The routes resources share, each only where the controller lists it, each calling the
 * controller's `service` method of its name (`remove` for either delete) with what a
 * hand-written route would pass.
 */
export interface ResourceRouteOptions {
  /** `POST /` → `service.create(body, query?)`; 201 with Location `created`. */
  create?: RouteDoc & { created: string; body: Type<unknown>; query?: Type<unknown> };
  /** `GET /` → `service.list(query)`. */
  list?: RouteDoc & { query: Type<unknown> };
  /** `GET /:id` → `service.get(id, query.include)`. */
  get?: RouteDoc & { query: Type<{ include?: unknown }> };
  /** `PATCH /:id` → `service.update(id, body)`, honouring If-Match. */
  update?: RouteDoc & { body: Type<unknown> };
  /** `DELETE /:id` → `service.remove(id)`, for good; honours If-Match. */
  delete?: { summary: string; roles?: MemberRole[] };
  /** `DELETE /:id` → `service.remove(id)` hides the record; `SoftDeleteRoute` says the rest. */
  softDelete?: { note?: string };
  /** `POST /:id/restore` → `service.restore(id)`. */
  restore?: { ok: Type<unknown>; errors?: EndpointOptions['errors'] };
  /** `POST /:id/{path}` → `service[name](id, body?)`: a change to the record, honouring If-Match. */
  actions?: Record<string, RouteDoc & { path: string; body?: Type<unknown> }>;
  /** `GET /:id/{path}` → `service[name](id, page)`: a page of what the record has been through. */
  histories?: Record<string, RouteDoc & { path: string }>;
  /** Who may call the routes that write (create, update, either delete, restore, actions); reads stay open to every member. */
  writeRoles?: MemberRole[];
}

type Instance<T> = T extends Type<infer I> ? I : never;
type Needs<R, K extends keyof R, M> = R extends Record<K, unknown> ? M : unknown;

/**
 * The service methods the listed routes call, typed by the DTO classes they are given. Written as
 * properties, not methods: TypeScript checks a method's parameters both ways (bivariantly), which
 * would let a create route take the update DTO.
 */
export type ResourceService<R extends ResourceRouteOptions> = Needs<
  R,
  'create',
  {
    create: (
      input: Instance<NonNullable<R['create']>['body']>,
      query: R['create'] extends { query: Type<infer Q> } ? Q : never,
    ) => Promise<unknown>;
  }
> &
  Needs<R, 'list', { list: (query: Instance<NonNullable<R['list']>['query']>) => Promise<unknown> }> &
  Needs<
    R,
    'get',
    { get: (id: string, include: Instance<NonNullable<R['get']>['query']>['include']) => Promise<unknown> }
  > &
  Needs<R, 'update', { update: (id: string, input: Instance<NonNullable<R['update']>['body']>) => Promise<unknown> }> &
  Needs<R, 'delete', { remove: (id: string) => Promise<void> }> &
  Needs<R, 'softDelete', { remove: (id: string) => Promise<void> }> &
  Needs<R, 'restore', { restore: (id: string) => Promise<unknown> }> & {
    [K in keyof R['actions']]: (
      id: string,
      input: R['actions'][K] extends { body: Type<infer B> } ? B : never,
    ) => Promise<unknown>;
  } & { [K in keyof R['histories']]: (id: string, page: PageQuery) => Promise<unknown> };

interface Controller {
  service: Record<string, (...args: unknown[]) => Promise<unknown>>;
}

type Handler = (this: Controller, ...args: never[]) => Promise<unknown>;

/** One parameter of a generated route: its decorator and the class the ValidationPipe and Swagger read. */
type Param = [ParameterDecorator, Type<unknown>];
const idParam = (): Param => [IdParam(), String];

/**
 * Defines a route method on the controller as the compiler would for a hand-written one: the
 * same decorators in the same order, and the parameter types a generic method would lose.
 */
function defineRoute(
  prototype: object,
  name: string,
  handler: Handler,
  route: MethodDecorator[],
  params: Param[],
): void {
  // A route written in the class body, or listed twice (`delete` and `softDelete`), is never replaced silently.
  if (Object.hasOwn(prototype, name)) {
    throw new Error(`@ResourceRoutes: ${name} is already defined on ${prototype.constructor.name}`);
  }
  Object.defineProperty(prototype, name, { value: handler, writable: true, configurable: true });
  const descriptor = Reflect.decorate(
    [
      ...route,
      ...params.map(
        ([decorate], index) =>
          (target: object, key: string | symbol) =>
            decorate(target, key, index),
      ),
      Reflect.metadata('design:type', Function),
      Reflect.metadata(
        'design:paramtypes',
        params.map(([, type]) => type),
      ),
      Reflect.metadata('design:returntype', Promise),
    ],
    prototype,
    name,
    Object.getOwnPropertyDescriptor(prototype, name),
  );
  Object.defineProperty(prototype, name, descriptor);
}

/** A handler whose name is its route's: Swagger finds a route's parameters by the function's name. */
const named = (name: string, handler: Handler): Handler => Object.defineProperty(handler, 'name', { value: name });

const isItemRoute = (handler: unknown): boolean =>
  String(Reflect.getMetadata(PATH_METADATA, handler as object) ?? '').startsWith(':');

/**
 * Lists collection routes before item routes (`GET /deals/pipeline` before `GET /deals/:id`), the
 * standard ones first in each group, in the order a reader and the OpenAPI document expect: the
 * generated methods are added after the class body's, and the document follows method order.
 */
function orderRoutes(prototype: Record<string, unknown>, standard: readonly string[]): void {
  const own = Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor');
  const written = own.filter((name) => !standard.includes(name));
  const group = (names: readonly string[], item: boolean) => names.filter((n) => isItemRoute(prototype[n]) === item);
  const order = [
    ...group(standard, false),
    ...group(written, false),
    ...group(standard, true),
    ...group(written, true),
  ];
  const descriptors = order.map((name) => [name, Object.getOwnPropertyDescriptor(prototype, name)] as const);
  for (const name of order) Reflect.deleteProperty(prototype, name);
  for (const [name, descriptor] of descriptors) if (descriptor) Object.defineProperty(prototype, name, descriptor);
}

/**
 * A resource's standard routes (create, list, get, update, delete or soft delete, restore),
 * declared with their documentation instead of written out: each is the same route, with the
 * same validation, OpenAPI operation and operationId, as the method it replaces. The class
 * body keeps the routes that are the resource's own.
 */
export function ResourceRoutes<const R extends ResourceRouteOptions>(
  resource: VersionedResource,
  routes: R,
): (target: Type<{ readonly service: ResourceService<R> }>) => void {
  const {
    create,
    list,
    get,
    update,
    delete: hardDelete,
    softDelete,
    restore,
    actions,
    histories,
    writeRoles,
  } = routes as ResourceRouteOptions;
  const writers: MethodDecorator[] = writeRoles ? [Roles(...writeRoles)] : [];
  return (target) => {
    const prototype = target.prototype as Record<string, unknown>;
    const standard: string[] = [];
    const define = (name: string, handler: Handler, route: MethodDecorator[], params: Param[]) => {
      defineRoute(prototype, name, handler, route, params);
      standard.push(name);
    };
    if (create) {
      const { body, query, ...doc } = create;
      define(
        'create',
        function create(input, options) {
          return this.service.create(input, options);
        },
        [Post(), ...writers, Endpoint(doc)],
        query
          ? [
              [Body(), body],
              [Query(), query],
            ]
          : [[Body(), body]],
      );
    }
    if (list) {
      const { query, ...doc } = list;
      define(
        'list',
        function list(params) {
          return this.service.list(params);
        },
        [Get(), Endpoint(doc)],
        [[Query(), query]],
      );
    }
    if (get) {
      const { query, ...doc } = get;
      define(
        'get',
        function get(id, params: { include?: unknown }) {
          return this.service.get(id, params.include);
        },
        [Get(':id'), Endpoint(doc)],
        [idParam(), [Query(), query]],
      );
    }
    if (update) {
      const { body, ...doc } = update;
      define(
        'update',
        function update(id, input) {
          return this.service.update(id, input);
        },
        [Patch(':id'), ...writers, Endpoint({ ...doc, ifMatch: resource })],
        [idParam(), [Body(), body]],
      );
    }
    const remove = function remove(this: Controller, id: never) {
      return this.service.remove(id);
    };
    if (hardDelete) {
      const { roles, ...doc } = hardDelete;
      const route = [
        Delete(':id'),
        // Decorators apply last to first: listed first, `roles` is set last and wins.
        ...(roles ? [Roles(...roles)] : []),
        ...writers,
        Endpoint({ ...doc, ok: null, ifMatch: resource }),
      ];
      define('remove', remove, route, [idParam()]);
    }
    if (softDelete) define('remove', remove, [...writers, SoftDeleteRoute(resource, softDelete.note)], [idParam()]);
    if (restore) {
      define(
        'restore',
        function restore(id) {
          return this.service.restore(id);
        },
        [...writers, RestoreRoute(resource, restore.ok, restore.errors)],
        [idParam()],
      );
    }
    for (const [name, { path, body, ...doc }] of Object.entries(actions ?? {})) {
      const action = named(name, function (this: Controller, id: never, input?: never) {
        return this.service[name](id, input);
      });
      const params: Param[] = body ? [idParam(), [Body(), body]] : [idParam()];
      define(name, action, [Post(`:id/${path}`), ...writers, Endpoint({ ...doc, ifMatch: resource })], params);
    }
    for (const [name, { path, ...doc }] of Object.entries(histories ?? {})) {
      const history = named(name, function (this: Controller, id: never, page: never) {
        return this.service[name](id, page);
      });
      define(name, history, [Get(`:id/${path}`), Endpoint(doc)], [idParam(), [Query(), PageQuery]]);
    }
    orderRoutes(prototype, standard);
  };
}
