import { describe, expect, it, jest } from '@jest/globals';
import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { LeadIncludeQuery, ListLeadsQuery } from '../leads/dto/list-leads.query.js';
import { MAX_KNOWN_QUERIES } from './validation-pipe.js';
import { createValidationPipe, VALIDATION_PIPE_OPTIONS } from './validation.js';

class RequiredName {
  @IsString()
  name!: string;
}

class Counter {
  @IsOptional()
  @IsInt()
  @Min(0)
  count = 0;
}

/** A default that is a new object per instance: two requests must not share it. */
class WithList {
  @IsOptional()
  @IsString({ each: true })
  tags: string[] = [];
}

let serial = 0;
/** A default that differs per instance, valid at first: the fourth instance built is refused. */
class Stamped {
  @IsOptional()
  @IsInt()
  @Max(3)
  stamp = ++serial;
}

let querySerial = 0;
/** The same, as a query class with a field a query string can set. */
class StampedQuery {
  @IsOptional()
  @IsString()
  count?: string;

  @IsOptional()
  @IsInt()
  @Max(3)
  stamp = ++querySerial;
}

const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype });
const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });
/** Fastify's parsed query string: an object whose prototype has a null prototype. */
const queryString = (): object => {
  const Empty = function () {} as unknown as { new (): object; prototype: object };
  Empty.prototype = Object.create(null) as object;
  return new Empty();
};

/** Nest's own pipe with the same options: what every answer must stay equal to. */
const nest = new ValidationPipe(VALIDATION_PIPE_OPTIONS);
const outcome = (pipe: ValidationPipe, value: unknown, metadata: ArgumentMetadata): Promise<unknown> =>
  pipe.transform(value, metadata).then(
    (answer: unknown) => ({ answer }),
    (error: unknown) => ({ error }),
  );

describe('the global validation pipe on an empty input', () => {
  it.each([
    ['{}', () => ({})],
    ['a null-prototype object', () => Object.create(null) as object],
    ["a query string's object", queryString],
  ])('answers %s with the defaults of a list query, a fresh instance each time', async (_, empty) => {
    const pipe = createValidationPipe();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await pipe.transform(empty(), query(ListLeadsQuery)));
    for (const answer of answers) {
      expect(answer).toBeInstanceOf(ListLeadsQuery);
      expect({ ...(answer as object) }).toEqual({ page: 1, pageSize: 25 });
    }
    expect(new Set(answers).size).toBe(3);
    (answers[1] as ListLeadsQuery).page = 7;
    expect((answers[2] as ListLeadsQuery).page).toBe(1);
  });

  it('answers a get route without a query string with an instance holding nothing', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 3; i++) {
      const answer = await pipe.transform({}, query(LeadIncludeQuery));
      expect(answer).toBeInstanceOf(LeadIncludeQuery);
      expect(Reflect.ownKeys(answer as object)).toEqual([]);
    }
  });

  it('refuses an empty body of a class with a required field every time, with the details it had', async () => {
    const pipe = createValidationPipe();
    const expected = await outcome(nest, {}, body(RequiredName));
    expect(expected).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        details: [{ field: 'name', code: 'INVALID_TYPE', message: 'must be a string' }],
      },
    });
    for (let i = 0; i < 3; i++) expect(await outcome(pipe, {}, body(RequiredName))).toEqual(expected);
  });

  it('does not share a mutable default between two inputs', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({}, body(WithList))) as WithList;
    first.tags.push('leaked');
    const second = (await pipe.transform({}, body(WithList))) as WithList;
    expect(second.tags).toEqual([]);
    expect(second.tags).not.toBe(first.tags);
  });

  it('validates every instance of a class whose defaults differ per instance', async () => {
    const pipe = createValidationPipe();
    const stamps: number[] = [];
    let refused: unknown;
    while (!refused && stamps.length < 5) {
      await pipe.transform({}, body(Stamped)).then(
        (answer: Stamped) => stamps.push(answer.stamp),
        (error: unknown) => (refused = error),
      );
    }
    expect(new Set(stamps).size).toBe(stamps.length);
    expect(refused).toMatchObject({ details: [{ field: 'stamp', code: 'OUT_OF_RANGE' }] });
  });

  it('still validates what is not empty, and after it the empty input again', async () => {
    const pipe = createValidationPipe();
    expect(await pipe.transform({}, body(Counter))).toEqual(new Counter());
    await expect(pipe.transform({ count: -1 }, body(Counter))).rejects.toMatchObject({
      details: [{ field: 'count', code: 'OUT_OF_RANGE' }],
    });
    await expect(pipe.transform({ extra: 1 }, body(Counter))).rejects.toMatchObject({
      details: [{ field: 'extra', code: 'UNKNOWN_FIELD' }],
    });
    expect(await pipe.transform({}, body(Counter))).toEqual(new Counter());
  });

  it.each([
    ['an array', () => []],
    ['a Date', () => new Date(0)],
    ['undefined', () => undefined],
    ['an object with an inherited key', () => Object.create({ count: -1 }) as object],
  ])('answers %s as Nest does, after an empty input of the class', async (_, input) => {
    const pipe = createValidationPipe();
    for (const cls of [Counter, RequiredName]) {
      await outcome(pipe, {}, body(cls));
      expect(await outcome(pipe, input(), body(cls))).toEqual(await outcome(nest, input(), body(cls)));
    }
  });
});

describe('the global validation pipe on a query string', () => {
  /** Fastify's parsed query string holding `values`. */
  const qs = (values: Record<string, string | string[]>): object => Object.assign(queryString(), values);
  const list = { page: '2', pageSize: '25', sort: '-createdAt', status: ['NEW_LEAD,IN_CONTACT'] };

  it('validates a query once, then answers it again as Nest does without validating, a fresh instance each time', async () => {
    const pipe = createValidationPipe();
    const validate = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      const expected = await outcome(nest, qs(list), query(ListLeadsQuery));
      validate.mockClear();
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await pipe.transform(qs(list), query(ListLeadsQuery)));
      expect(validate).toHaveBeenCalledTimes(1);
      for (const answer of answers) {
        expect(answer).toBeInstanceOf(ListLeadsQuery);
        expect({ answer }).toEqual(expected);
      }
      expect(new Set(answers).size).toBe(3);
      (answers[1] as ListLeadsQuery).status!.pop();
      expect((answers[2] as ListLeadsQuery).status).toEqual(['NEW_LEAD', 'IN_CONTACT']);
    } finally {
      validate.mockRestore();
    }
  });

  it.each([
    ['a page size out of range', { ...list, pageSize: '1000' }],
    ['an unknown field', { ...list, limit: '25' }],
    ['an unknown status', { ...list, status: ['NEW_LEAD,NOPE'] }],
    ['the same values in another order', { sort: '-createdAt', page: '2', pageSize: '25' }],
    ['a __proto__ key', JSON.parse('{"__proto__": {"page": "1"}, "page": "2"}') as Record<string, string>],
    ['a constructor key', { ...list, constructor: 'x' }],
  ])('answers %s as Nest does, after a valid query of the class', async (_, values) => {
    const pipe = createValidationPipe();
    await pipe.transform(qs(list), query(ListLeadsQuery));
    for (let i = 0; i < 2; i++) {
      expect(await outcome(pipe, qs(values), query(ListLeadsQuery))).toEqual(
        await outcome(nest, qs(values), query(ListLeadsQuery)),
      );
    }
  });

  it('validates every instance of a class whose defaults differ per instance', async () => {
    const pipe = createValidationPipe();
    const stamps: number[] = [];
    let refused: unknown;
    while (!refused && stamps.length < 5) {
      await pipe.transform(qs({ count: '1' }), query(StampedQuery)).then(
        (answer: StampedQuery) => stamps.push(answer.stamp),
        (error: unknown) => (refused = error),
      );
    }
    // The first passed; every later instance held a new stamp, was validated, and the one past 3 refused.
    expect(stamps.length).toBeGreaterThan(0);
    expect(new Set(stamps).size).toBe(stamps.length);
    expect(refused).toMatchObject({ details: [{ field: 'stamp', code: 'OUT_OF_RANGE' }] });
  });

  it(`remembers the ${MAX_KNOWN_QUERIES} queries of a class seen last, and still validates the others`, async () => {
    const pipe = createValidationPipe();
    const validate = jest.spyOn(ValidationPipe.prototype, 'transform');
    const page = (n: number) => pipe.transform(qs({ page: String(n) }), query(ListLeadsQuery));
    try {
      for (let n = 1; n <= MAX_KNOWN_QUERIES; n++) await page(n);
      await page(1); // seen again: now the most recent
      await page(MAX_KNOWN_QUERIES + 1); // learnt; the least recent (page 2) is dropped
      validate.mockClear();
      await page(1);
      await page(MAX_KNOWN_QUERIES + 1);
      await page(3);
      expect(validate).toHaveBeenCalledTimes(0);
      await page(2);
      expect(validate).toHaveBeenCalledTimes(1);
      await expect(pipe.transform(qs({ page: '0' }), query(ListLeadsQuery))).rejects.toMatchObject({
        details: [{ field: 'page' }],
      });
    } finally {
      validate.mockRestore();
    }
  });
});
