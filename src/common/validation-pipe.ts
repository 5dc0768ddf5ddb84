import { type ArgumentMetadata, type Type, ValidationPipe } from '@nestjs/common';
import { hash } from 'node:crypto';
import { plainToInstance } from 'class-transformer';

/** Value sets remembered per class at most, the least recently seen dropped first. */
export const MAX_KNOWN_QUERIES = 1000;

/** Keys the pipe strips from input before class-transformer sees it: such input always takes Nest's path. */
const STRIPPED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * An input whose validation the pipe may remember: an object class-transformer copies as a plain
 * one (a JSON object, or a query string's: Fastify's have a null-prototype prototype; not a Date
 * or a Map) that is empty, or, for a query, holds only plain names with a string or an array of
 * strings each.
 */
function isRememberable(value: unknown, metadata: ArgumentMetadata): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return false;
  const keys = Reflect.ownKeys(value);
  if (!keys.length) return true;
  if (metadata.type !== 'query') return false;
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
  // token) or a client's search terms, and none of it stays in memory. Nothing to hide in
  // an instance without values (`GET /v1/leads/{id}`'s query).
  return parts.length ? hash('sha256', parts.join(','), 'base64') : '';
}

/**
 * Nest's ValidationPipe, minus validations whose answer is known. Most inputs a route gets
 * again and again: `GET /v1/leads/{id}` without a query string validated `{}` against its
 * query class on every request, and a list's query (`?page=1&pageSize=25&sort=-createdAt`)
 * repeats; class-validator's lookup of the class's rules across every registered class is most
 * of what that costs (≈ 56 µs of a `list` in a profile).
 *
 * So an empty input (any kind) or a query string is still built by class-transformer into a
 * fresh instance on every request, but skips validation when that instance holds exactly the
 * values of one that passed before: primitives or arrays of them, remembered as a SHA-256
 * digest (a query can carry a download link's signature, a stream token or a client's search
 * terms), the MAX_KNOWN_QUERIES most recently seen per class. A refusal is never remembered,
 * so its 400 is the one it was; defaults that differ per instance never match; anything else,
 * and every non-empty body, takes Nest's path. Assumes validators are functions of the values
 * they judge, as class-validator's are.
 */
export class CachingValidationPipe extends ValidationPipe {
  /** Per class, the signatures of the instances seen to pass, least recently seen first. */
  private readonly passed = new WeakMap<Type<unknown>, Map<string, true>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    // With an expected type the metatype is not the parameter's; without transform the pipe
    // answers the input itself: neither is what this pipe shortens.
    if (
      !this.isTransformEnabled ||
      this.expectedType ||
      !metatype ||
      !this.toValidate(metadata) ||
      !isRememberable(value, metadata)
    ) {
      return super.transform(value, metadata);
    }
    let known = this.passed.get(metatype);
    if (!known) this.passed.set(metatype, (known = new Map()));
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
