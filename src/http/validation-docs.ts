import type { Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

/**
 * The input DTOs' bounds written into the OpenAPI document from their class-validator rules,
 * so the document states exactly what the ValidationPipe enforces (what @nestjs/swagger's
 * compiler plugin would do; the swc build does not run it). Explicit @ApiProperty options
 * still say what a rule cannot (descriptions, examples, formats of dates).
 */

type Schema = Record<string, unknown>;
type Rule = (constraints: readonly unknown[], each: boolean) => Schema;

const INT32_MAX = 2 ** 31 - 1;

/** class-validator's rule names (the `name` each ValidateBy registers) → JSON Schema keywords. */
const RULES: Record<string, Rule> = {
  maxLength: ([max]) => ({ maxLength: max }),
  minLength: ([min]) => ({ minLength: min }),
  isLength: ([min, max]) => ({ minLength: min, ...(typeof max === 'number' && { maxLength: max }) }),
  isUuid: () => ({ format: 'uuid' }),
  isEmail: () => ({ format: 'email' }),
  // JSON Schema patterns have no flags: a case-insensitive rule is left to the description.
  matches: ([pattern]) => {
    if (!(pattern instanceof RegExp)) return {};
    const longest = longestMatch(pattern.source);
    return { ...(!pattern.flags && { pattern: pattern.source }), ...(longest !== undefined && { maxLength: longest }) };
  },
  arrayMaxSize: ([max]) => ({ maxItems: max }),
  arrayMinSize: ([min]) => ({ minItems: min }),
  arrayUnique: () => ({ uniqueItems: true }),
  // A list of enum values (CommaList drops repeats): at most one of each.
  isEnum: ([entity], each) => (each && entity ? { maxItems: new Set(Object.values(entity)).size } : {}),
  isIn: ([values], each) => (each && Array.isArray(values) ? { maxItems: new Set(values).size } : {}),
  isInt: () => ({ type: 'integer' }),
  min: ([min]) => ({ minimum: min }),
  max: ([max]) => ({ maximum: max }),
};

/**
 * The longest text an anchored pattern can match, when its quantifiers are all bounded
 * (`^\d{1,10}(\.\d{1,2})?$` → 13); undefined when it is unbounded or not anchored at both ends.
 */
export function longestMatch(source: string): number | undefined {
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) return undefined;
  let i = 1;
  const end = source.length - 1;
  const atom = (): number => {
    const c = source[i];
    if (c === '\\') {
      i += 2;
      return 1;
    }
    if (c === '[') {
      i = source.indexOf(']', i + 2) + 1; // a class starting with ] is not used here
      return 1;
    }
    if (c === '(') {
      i += source.startsWith('(?:', i) ? 3 : 1;
      const inner = alternatives();
      i += 1; // )
      return inner;
    }
    i += 1;
    return 1;
  };
  const quantified = (length: number): number => {
    const rest = source.slice(i, end);
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (braces) {
      i += braces[0].length;
      if (braces[2] !== undefined && braces[3] === '') return Infinity;
      return length * Number(braces[3] ?? braces[1]);
    }
    if (rest[0] === '?') {
      i += 1;
      return length;
    }
    if (rest[0] === '*' || rest[0] === '+') return Infinity;
    return length;
  };
  const sequence = (): number => {
    let total = 0;
    while (i < end && source[i] !== '|' && source[i] !== ')') total += quantified(atom());
    return total;
  };
  const alternatives = (): number => {
    let longest = sequence();
    while (source[i] === '|') {
      i += 1;
      longest = Math.max(longest, sequence());
    }
    return longest;
  };
  const longest = alternatives();
  return i === end && Number.isFinite(longest) ? longest : undefined;
}

const BUILTIN: readonly unknown[] = [String, Number, Boolean, Object, Array, Date, Promise, Function];

const rulesOf = (target: Type<unknown>) => getMetadataStorage().getTargetValidationMetadatas(target, '', false, false);

const isDto = (type: unknown): type is Type<unknown> =>
  typeof type === 'function' && !BUILTIN.includes(type) && rulesOf(type as Type<unknown>).length > 0;

/** The DTO classes the routes take (bodies, queries), and the classes nested in them. */
function inputClasses(modules: ModulesContainer): Set<Type<unknown>> {
  const found = new Set<Type<unknown>>();
  const visit = (type: unknown): void => {
    if (!isDto(type) || found.has(type)) return;
    found.add(type);
    for (const rule of rulesOf(type).filter((r) => r.type === ValidationTypes.NESTED_VALIDATION))
      visit(Reflect.getMetadata('design:type', type.prototype as object, rule.propertyName));
  };
  for (const module of modules.values()) {
    for (const { metatype } of module.controllers.values()) {
      const prototype = (metatype as Type<unknown> | null)?.prototype as Record<string, unknown> | undefined;
      if (!prototype) continue;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        if (method === 'constructor' || typeof prototype[method] !== 'function') continue;
        const params = (Reflect.getMetadata('design:paramtypes', prototype, method) ?? []) as unknown[];
        params.forEach(visit);
      }
    }
  }
  return found;
}

const UPPER = ['maxLength', 'maxItems', 'maximum'];
const LOWER = ['minLength', 'minItems', 'minimum'];

/** Two rules' keywords together: where both bound the same thing, the tighter bound is the one enforced. */
function tighter(a: Schema = {}, b: Schema): Schema {
  const merged = { ...a, ...b };
  for (const key of [...UPPER, ...LOWER]) {
    const [x, y] = [a[key], b[key]];
    if (typeof x === 'number' && typeof y === 'number')
      merged[key] = UPPER.includes(key) ? Math.min(x, y) : Math.max(x, y);
  }
  return merged;
}

/** What each property's validation rules say, as schema keywords, by the class that declares the rules. */
function declaredBounds(target: Type<unknown>): Map<Type<unknown>, Map<string, Schema>> {
  const byClass = new Map<Type<unknown>, Map<string, Schema>>();
  for (const rule of rulesOf(target)) {
    const derive = rule.name ? RULES[rule.name] : undefined;
    if (!derive || typeof rule.target !== 'function') continue;
    const owner = rule.target as Type<unknown>;
    const bounds = byClass.get(owner) ?? new Map<string, Schema>();
    bounds.set(
      rule.propertyName,
      tighter(bounds.get(rule.propertyName), derive(rule.constraints ?? [], Boolean(rule.each))),
    );
    byClass.set(owner, bounds);
  }
  for (const schema of [...byClass.values()].flatMap((bounds) => [...bounds.values()])) {
    if (schema.type !== 'integer') continue;
    const fits32 = [schema.minimum, schema.maximum].every((n) => typeof n !== 'number' || Math.abs(n) <= INT32_MAX);
    schema.format = fits32 ? 'int32' : 'int64';
  }
  return byClass;
}

/**
 * Writes every route input's validation bounds into its @nestjs/swagger property metadata, on
 * the class that declares the rules (a PartialType's copy included), so subclasses inherit both.
 * Idempotent: the same rules give the same keywords each time the document is built.
 */
export function documentValidationRules(modules: ModulesContainer): void {
  for (const target of inputClasses(modules)) {
    for (const [owner, bounds] of declaredBounds(target)) {
      for (const [property, schema] of bounds) {
        // For an array, @nestjs/swagger moves the item keywords (maxLength, format, pattern…) into `items`.
        ApiProperty(schema as ApiPropertyOptions)(owner.prototype as object, property);
      }
    }
  }
}
