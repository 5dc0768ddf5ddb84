import { Param, type PipeTransform } from '@nestjs/common';
import { DetailCode, ValidationFailed } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/** Path ids must be UUIDs: anything else is a 400 before any query runs. */
export class UuidParam implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}

  transform(value: string): string {
    if (!isUuid(value))
      throw new ValidationFailed([{ field: this.field, message: 'must be a UUID', code: DetailCode.InvalidFormat }]);
    return value.toLowerCase();
  }
}

/** `@IdParam()` / `@IdParam('userId')`: a path parameter that must be a UUID. */
export const IdParam = (name = 'id'): ParameterDecorator => Param(name, new UuidParam(name));
