import { type ArgumentMetadata, type Type, ValidationPipe } from '@nestjs/common';
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
 */
export class BlankCachingValidationPipe extends ValidationPipe {
  /** Per class, per prototype of the empty input (class-transformer reads the inherited keys it exposes). */
  private readonly learnt = new WeakMap<Type<unknown>, WeakMap<object, Learnt>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    // With an expected type the metatype is not the parameter's; without transform the pipe
    // answers the input itself: neither is what this pipe shortens.
    if (
      !this.isTransformEnabled ||
      this.expectedType ||
      !metatype ||
      !isEmptyPlain(value) ||
      !this.toValidate(metadata)
    ) {
      return super.transform(value, metadata);
    }
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
}
