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
type Rule = (constraints: readonly unknown[]) => Schema;

const INT32_MAX = 2 ** 31 - 1;

/** class-validator's rule names (the `name` each ValidateBy registers) → JSON Schema keywords. */
const RULES: Record<string, Rule> = {
  maxLength: ([max]) => ({ maxLength: max }),
  minLength: ([min]) => ({ minLength: min }),
  isLength: ([min, max]) => ({ minLength: min, ...(typeof max === 'number' && { maxLength: max }) }),
  isUuid: () => ({ format: 'uuid' }),
  isEmail: () => ({ format: 'email' }),
  // JSON Schema patterns have no flags: a case-insensitive rule is left to the description.
  matches: ([pattern]) => (pattern instanceof RegExp && !pattern.flags ? { pattern: pattern.source } : {}),
  arrayMaxSize: ([max]) => ({ maxItems: max }),
  arrayMinSize: ([min]) => ({ minItems: min }),
  arrayUnique: () => ({ uniqueItems: true }),
  isInt: () => ({ type: 'integer' }),
  min: ([min]) => ({ minimum: min }),
  max: ([max]) => ({ maximum: max }),
};

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

/** What each property's validation rules say, as schema keywords, by the class that declares the rules. */
function declaredBounds(target: Type<unknown>): Map<Type<unknown>, Map<string, Schema>> {
  const byClass = new Map<Type<unknown>, Map<string, Schema>>();
  for (const rule of rulesOf(target)) {
    const derive = rule.name ? RULES[rule.name] : undefined;
    if (!derive || typeof rule.target !== 'function') continue;
    const owner = rule.target as Type<unknown>;
    const bounds = byClass.get(owner) ?? new Map<string, Schema>();
    bounds.set(rule.propertyName, { ...bounds.get(rule.propertyName), ...derive(rule.constraints ?? []) });
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
