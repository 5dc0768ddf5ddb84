import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy, type ValidationOptions } from 'class-validator';

/** Years the API accepts in any date: well inside Postgres's range, and any a CRM record needs. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

// A date-time needs its offset (Z or ±hh:mm): "10:00" in whose time zone is not the server's to guess.
const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

const validDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

/** A calendar date's Date (UTC midnight) only if the text names a real day (no 2027-02-30). */
function parseCalendarDate(text: string): Date | undefined {
  const date = new Date(`${text}T00:00:00.000Z`);
  return validDate(date) && date.toISOString().startsWith(text) ? date : undefined;
}

const inRange = (date: Date): boolean => {
  const year = date.getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR;
};

const DateInRange = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'dateRange',
      validator: {
        // Only judges what parsed: a malformed value already has its own message.
        validate: (value: unknown) => !validDate(value) || inRange(value),
        defaultMessage: () => `must be between the years ${MIN_YEAR} and ${MAX_YEAR}`,
      },
    },
    options,
  );

/** A ValidateBy rule that the value parsed into a valid Date, with the message a client sees. */
const ParsedDate = (name: string, message: string, options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    { name, validator: { validate: (value: unknown) => validDate(value), defaultMessage: () => message } },
    options,
  );

/**
 * An instant: an ISO 8601 date-time with its offset (`2026-11-25T17:00:00Z`), or a bare date
 * meaning midnight UTC, in the years MIN_YEAR–MAX_YEAR; arrives in the DTO as a Date.
 */
export const IsInstant = (options?: ValidationOptions): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && INSTANT.test(value) ? new Date(value) : value,
    ),
    ParsedDate('isInstant', 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-25T17:00:00Z', options),
    DateInRange(options),
  );

/**
 * A calendar date (`2027-03-31`), in the years MIN_YEAR–MAX_YEAR; arrives in the DTO as a Date
 * at midnight UTC (what a `date` column stores). A full date-time is still accepted and
 * taken as its UTC day — deprecated, for clients of the time these fields were instants.
 */
export const IsCalendarDate = (options?: ValidationOptions): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => {
      if (typeof value !== 'string') return value;
      if (CALENDAR_DATE.test(value)) return parseCalendarDate(value) ?? value;
      if (!INSTANT.test(value)) return value;
      const instant = new Date(value);
      return validDate(instant) ? parseCalendarDate(instant.toISOString().slice(0, 10)) : value;
    }),
    ParsedDate('isCalendarDate', 'must be a calendar date, e.g. 2027-03-31', options),
    DateInRange(options),
  );

/** A `date` column's value as the API writes it: `2027-03-31`. */
export const calendarDate = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * The one rule of every range filter (`createdFrom`/`createdTo`, `dueFrom`/`dueTo`,
 * `expectedCloseFrom`/`expectedCloseTo`…): `…From` is inclusive and `…To` exclusive,
 * `[from, to)`, whether the bounds are instants or calendar dates — adjacent ranges never
 * count a record twice.
 */
const RangeBound = (kind: 'instant' | 'date', description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: kind === 'date' ? 'date' : 'date-time', description }),
    IsOptional(),
    kind === 'date' ? IsCalendarDate() : IsInstant(),
  );

const unit = (kind: 'instant' | 'date'): string => (kind === 'date' ? 'day' : 'instant');

export const RangeFrom = (of: string, kind: 'instant' | 'date'): PropertyDecorator =>
  RangeBound(kind, `${of} on or after this ${unit(kind)} (inclusive)`);

export const RangeTo = (of: string, kind: 'instant' | 'date'): PropertyDecorator =>
  RangeBound(kind, `${of} before this ${unit(kind)} (exclusive)`);

/** An optional instant in a query (a period's bound), described as the caller says. */
export const InstantBound = (description?: string): PropertyDecorator => RangeBound('instant', description);
