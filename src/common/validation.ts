import type { ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DetailCode, type ErrorDetail, ValidationFailed } from './errors.js';
import { CachingValidationPipe } from './validation-pipe.js';

/**
 * class-validator constraint names → the detail code a client sees, in the order a field's
 * failures are reported: the first one that failed is the field's one message (`page=abc`
 * is "must be an integer", not also "must not be less than 1").
 */
const CONSTRAINT_CODES: readonly [string, DetailCode][] = [
  ['whitelistValidation', DetailCode.UnknownField],
  ['isDefined', DetailCode.Required],
  ['nestedValidation', DetailCode.InvalidType],
  ['isString', DetailCode.InvalidType],
  ['isInt', DetailCode.InvalidType],
  ['isNumber', DetailCode.InvalidType],
  ['isBoolean', DetailCode.InvalidType],
  ['isArray', DetailCode.InvalidType],
  ['isObject', DetailCode.InvalidType],
  ['isDate', DetailCode.InvalidFormat],
  ['isInstant', DetailCode.InvalidFormat],
  ['isCalendarDate', DetailCode.InvalidFormat],
  ['isUuid', DetailCode.InvalidFormat],
  ['isEmail', DetailCode.InvalidFormat],
  ['isUrl', DetailCode.InvalidFormat],
  ['isIso8601', DetailCode.InvalidFormat],
  ['matches', DetailCode.InvalidFormat],
  ['isEnum', DetailCode.InvalidValue],
  ['isIn', DetailCode.InvalidValue],
  ['arrayNotEmpty', DetailCode.TooShort],
  ['arrayMinSize', DetailCode.TooShort],
  ['arrayMaxSize', DetailCode.TooLong],
  ['arrayUnique', DetailCode.InvalidValue],
  ['isNotEmpty', DetailCode.TooShort],
  ['minLength', DetailCode.TooShort],
  ['maxLength', DetailCode.TooLong],
  ['isLength', DetailCode.TooLong],
  ['min', DetailCode.OutOfRange],
  ['max', DetailCode.OutOfRange],
  ['dateRange', DetailCode.OutOfRange],
];
const RANK = new Map(CONSTRAINT_CODES.map(([name], i) => [name, i]));

/** class-validator's messages start with the property name; a UI shows the message beside the field. */
const withoutProperty = (message: string, property: string): string =>
  message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;

function detailOf(field: string, property: string, constraints: Record<string, string>): ErrorDetail {
  const [name, message] = Object.entries(constraints).sort(
    ([a], [b]) => (RANK.get(a) ?? RANK.size) - (RANK.get(b) ?? RANK.size),
  )[0];
  if (name === 'whitelistValidation') {
    return { field, message: 'is not an allowed field', code: DetailCode.UnknownField };
  }
  const code = CONSTRAINT_CODES.find(([n]) => n === name)?.[1] ?? DetailCode.InvalidValue;
  // isLength fails both ways; its message says which ("must be longer than…" when too short).
  const tooShort = name === 'isLength' && message.includes('longer than');
  return { field, message: withoutProperty(message, property), code: tooShort ? DetailCode.TooShort : code };
}

/** What an error body repeats of a hostile request at most: unknown keys are the caller's text. */
export const MAX_DETAILS = 100;
export const MAX_FIELD_LENGTH = 300;

/** One detail per failing field (the first MAX_DETAILS), nested fields as dotted paths (`attendees[0].contactId`). */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return flattenAll(errors, prefix)
    .slice(0, MAX_DETAILS)
    .map((d) =>
      d.field && d.field.length > MAX_FIELD_LENGTH ? { ...d, field: d.field.slice(0, MAX_FIELD_LENGTH) } : d,
    );
}

function flattenAll(errors: ValidationError[], prefix: string): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = !prefix
      ? e.property
      : /^\d+$/.test(e.property)
        ? `${prefix}[${e.property}]`
        : `${prefix}.${e.property}`;
    const own = e.constraints && Object.keys(e.constraints).length ? [detailOf(field, e.property, e.constraints)] : [];
    return [...own, ...flattenAll(e.children ?? [], field)];
  });
}

/** The global pipe's options: it strips nothing silently — unknown fields are a 400, as are wrong types. */
export const VALIDATION_PIPE_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  stopAtFirstError: false,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
};

export function createValidationPipe(): ValidationPipe {
  return new CachingValidationPipe(VALIDATION_PIPE_OPTIONS);
}

/**
 * Validates `plain` as the global pipe would validate a body of class `cls` (same rules, same
 * details), for input that does not arrive as a body: an imported row, a multipart field.
 * Synchronous: a class with an async rule (NewPassword's strength check) would pass it unchecked.
 */
export function validateAs<T extends object>(cls: new () => T, plain: object): [T, ErrorDetail[]] {
  const value = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(value, {
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
  });
  return [value, flattenValidationErrors(errors)];
}
