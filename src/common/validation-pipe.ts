import { type ArgumentMetadata, type Type, ValidationPipe } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { plainToInstance } from 'class-transformer';

/** The own properties, all primitive, of the instance an empty input became and passed validation as. */
type Blank = ReadonlyMap<PropertyKey, unknown>;

/** What the pipe learnt of an empty input of a class: its blank, or `null` when it takes the full path. */
type Learnt = Blank | null;

/** The WeakMap key standing for a null prototype. */
const NULL_PROTOTYPE = Object.freeze({});

/**
 * An object with no own keys that class-transformer copies as a plain object: a JSON `{}` or a
 * query string's `{}` (Fastify's have a null-prototype prototype). A Date or a Map has no own keys
 * either, and is not one.
 */
function isEmptyPlain(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === null || Object.getPrototypeOf(proto) === null) && Reflect.ownKeys(value).length === 0;
}

/** The instance's own properties if every one is a plain value: what two instances are compared by. */
function blankOf(instance: object): Blank | null {
  const blank = new Map<PropertyKey, unknown>();
  for (const key of Reflect.ownKeys(instance)) {
    const descriptor = Object.getOwnPropertyDescriptor(instance, key);
    if (!descriptor || !('value' in descriptor)) return null;
    const value: unknown = descriptor.value;
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) return null;
    blank.set(key, value);
  }
  return blank;
}

function matches(instance: object, blank: Blank): boolean {
  const keys = Reflect.ownKeys(instance);
  if (keys.length !== blank.size) return false;
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(instance, key);
    if (!descriptor || !('value' in descriptor) || !blank.has(key) || !Object.is(descriptor.value, blank.get(key))) {
      return false;
    }
  }
  return true;
}

/** Value sets remembered per query class at most, the least recently seen dropped first. */
export const MAX_KNOWN_QUERIES = 1000;

/** Keys the pipe strips from input before class-transformer sees it: such input always takes Nest's path. */
const STRIPPED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A query string's object (Fastify's: null prototype, or a prototype with a null prototype)
 * with at least one key, each a plain name holding a string or an array of strings.
 */
function isQueryString(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return false;
  const keys = Reflect.ownKeys(value);
  if (!keys.length) return false;
  for (const key of keys) {
    if (typeof key !== 'string' || STRIPPED_KEYS.has(key)) return false;
    const v: unknown = (value as Record<string, unknown>)[key];
    if (typeof v !== 'string' && !(Array.isArray(v) && v.every((item) => typeof item === 'string'))) return false;
  }
  return true;
}

function primitive(value: unknown): string | null {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) return null;
  return `${typeof value}:${Object.is(value, -0) ? '-0' : String(value)}`;
}

/**
 * An instance's own values as one string when each is a primitive or an array of primitives
 * (what a query string's values become), else null: two instances of a class with the same
 * signature hold the same values under the same keys in the same order.
 */
function signatureOf(instance: object): string | null {
  const parts: string[] = [];
  for (const key of Reflect.ownKeys(instance)) {
    const descriptor = Object.getOwnPropertyDescriptor(instance, key);
    if (typeof key !== 'string' || !descriptor || !('value' in descriptor)) return null;
    const value: unknown = descriptor.value;
    const items = Array.isArray(value) ? value.map(primitive) : [primitive(value)];
    if (items.includes(null)) return null;
    parts.push(JSON.stringify([key, Array.isArray(value), items]));
  }
  // Kept as a digest: a query can carry a secret (a download link's signature, a stream
  // token) or a client's search terms, and none of it stays in memory.
  return createHash('sha256').update(parts.join(',')).digest('base64');
}

/**
 * Nest's ValidationPipe, minus the validation of an empty input it has already seen pass. A
 * `GET /v1/leads/{id}` without a query string still validated `{}` against its query class on
 * every request — class-validator looks the class's rules up across every registered class each
 * time — for an answer that cannot change: the instance `{}` becomes holds the class's defaults
 * only. So the first empty input of each class takes the full path; if it passes, and the
 * instance it became holds nothing but plain values, later ones are still built by
 * class-transformer (a fresh instance, as before) and skip validation when that instance holds
 * the same values. One that failed always takes the full path, so its 400 is the one it was.
 * Assumes validators are functions of the values they judge, as class-validator's are.
 *
 * The same holds for a query string: a list's query (`?page=1&pageSize=25&sort=-createdAt`)
 * comes again and again, and class-validator's lookup of the class's rules is most of what
 * validating it costs (≈ 56 µs of a `list` in a profile). So a non-empty query is still built
 * by class-transformer into a fresh instance on every request, but skips validation when that
 * instance holds exactly the values of one that passed before (primitives, or arrays of them;
 * remembered as a SHA-256 digest, the MAX_KNOWN_QUERIES most recently seen per class). Anything
 * else, and every body, takes Nest's path.
 */
export class BlankCachingValidationPipe extends ValidationPipe {
  /** Per class, per prototype of the empty input (class-transformer reads the inherited keys it exposes). */
  private readonly learnt = new WeakMap<Type<unknown>, WeakMap<object, Learnt>>();
  /** Per query class, the signatures of the instances seen to pass, least recently seen first. */
  private readonly knownQueries = new WeakMap<Type<unknown>, Map<string, true>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    // With an expected type the metatype is not the parameter's; without transform the pipe
    // answers the input itself: neither is what this pipe shortens.
    if (!this.isTransformEnabled || this.expectedType || !metatype || !this.toValidate(metadata)) {
      return super.transform(value, metadata);
    }
    if (metadata.type === 'query' && isQueryString(value)) return this.query(value, metadata, metatype);
    if (!isEmptyPlain(value)) return super.transform(value, metadata);
    let byProto = this.learnt.get(metatype);
    if (!byProto) this.learnt.set(metatype, (byProto = new WeakMap()));
    const proto = (Object.getPrototypeOf(value) as object | null) ?? NULL_PROTOTYPE;
    const known = byProto.get(proto);
    if (known) {
      const instance = plainToInstance(metatype, value, this.transformOptions) as object;
      if (Object.getPrototypeOf(instance) === metatype.prototype && matches(instance, known)) return instance;
      // Defaults that differ per instance (a clock, a counter): nothing learnt holds for the class.
      byProto.set(proto, null);
    }
    if (known !== undefined) return super.transform(value, metadata);
    try {
      const result: unknown = await super.transform(value, metadata);
      const passed =
        typeof result === 'object' && result !== null && Object.getPrototypeOf(result) === metatype.prototype;
      byProto.set(proto, passed ? blankOf(result) : null);
      return result;
    } catch (error) {
      byProto.set(proto, null);
      throw error;
    }
  }

  private async query(value: object, metadata: ArgumentMetadata, metatype: Type<unknown>): Promise<unknown> {
    let known = this.knownQueries.get(metatype);
    if (!known) this.knownQueries.set(metatype, (known = new Map()));
    const instance = plainToInstance(metatype, value, this.transformOptions) as object;
    if (Object.getPrototypeOf(instance) === metatype.prototype) {
      const signature = signatureOf(instance);
      if (signature !== null && known.delete(signature)) {
        known.set(signature, true); // now the most recently seen
        return instance;
      }
    }
    // Nest's path; a refusal throws here and nothing is learnt from it.
    const result: unknown = await super.transform(value, metadata);
    const signature =
      typeof result === 'object' && result !== null && Object.getPrototypeOf(result) === metatype.prototype
        ? signatureOf(result)
        : null;
    if (signature !== null) {
      known.set(signature, true);
      if (known.size > MAX_KNOWN_QUERIES) known.delete(known.keys().next().value as string);
    }
    return result;
  }
}
