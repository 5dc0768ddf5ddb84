import { describe, expect, it } from '@jest/globals';
import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { LeadIncludeQuery, ListLeadsQuery } from '../leads/dto/list-leads.query.js';
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
