import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DetailCode, type ErrorDetail, ValidationFailed } from './errors.js';

/** Deepest nesting of arrays and objects a JSON body may have (custom fields included). */
export const MAX_JSON_DEPTH = 16;

interface Level {
  object: boolean;
  /** The current key (object) or index (array). */
  key: string | number;
  expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const pathOf = (stack: readonly Level[]): string =>
  stack.reduce<string>((path, { object, key }) => {
    if (!object) return `${path}[${key}]`;
    return path ? `${path}.${String(key)}` : String(key);
  }, '');

/**
 * Reads a JSON text once, before it is parsed, for what would fail further in: nesting deeper
 * than `maxDepth` (class-validator and class-transformer recurse, and a 5,000-deep array used
 * to overflow the stack into a 500) and the escape `\u0000` (Postgres text cannot hold NUL).
 * Linear in the text and stops at the first problem, so a hostile body costs no parse.
 * Malformed JSON is left to the parser.
 */
export function inspectJsonText(text: string, maxDepth = MAX_JSON_DEPTH): ErrorDetail | undefined {
  const stack: Level[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      let nul = false;
      for (i = start; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          if (text.startsWith('u0000', i + 1)) nul = true;
          i++;
        }
      }
      const top = stack[stack.length - 1];
      const isKey = top?.object === true && top.expectKey;
      if (isKey) top.key = decodeKey(text.slice(start, i));
      if (nul) {
        const path = isKey ? pathOf(stack.slice(0, -1)) : pathOf(stack);
        return {
          ...(path && { field: path }),
          message: 'must not contain the NUL character (\\u0000)',
          code: DetailCode.InvalidCharacter,
        };
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) {
        const path = pathOf(stack);
        return {
          ...(path && { field: path }),
          message: `is nested too deeply (at most ${maxDepth} levels of arrays and objects)`,
          code: DetailCode.TooDeep,
        };
      }
      const object = c === 0x7b;
      stack.push({ object, key: object ? '' : 0, expectKey: object });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
      else if (top) top.key = (top.key as number) + 1;
    } else if (c === 0x3a /* : */) {
      const top = stack[stack.length - 1];
      if (top) top.expectKey = false;
    }
  }
  return undefined;
}

function decodeKey(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** The first query-string or path value holding a NUL character, named. */
function nulInValues(values: unknown, where: string): ErrorDetail | undefined {
  if (!values || typeof values !== 'object') return undefined;
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    const list = Array.isArray(value) ? value : [value];
    if (list.some((v) => typeof v === 'string' && v.includes('\u0000'))) {
      return {
        field: name,
        message: `must not contain the NUL character (%00) in the ${where}`,
        code: DetailCode.InvalidCharacter,
      };
    }
  }
  return undefined;
}

/**
 * JSON bodies: Fastify's own parser (with its prototype-poisoning protection), preceded by
 * inspectJsonText; query strings and path parameters are checked for NUL as well. All
 * failures are 400 VALIDATION_FAILED naming the field.
 */
declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body's text as received (set by guardInput's parser). */
    rawBody?: string;
  }
}

export function guardInput(fastify: FastifyInstance, bodyLimit: number): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') {
      // No body, though labelled JSON (fetch wrappers set the header on every call): a route that
      // takes none works; one that needs one says which fields are missing.
      request.rawBody = text;
      done(null, undefined);
      return;
    }
    const problem = inspectJsonText(text);
    if (problem) {
      done(new ValidationFailed([problem]), undefined);
      return;
    }
    // Kept for routes that verify a signature over the exact bytes (signed inbound webhooks).
    request.rawBody = text;
    parse(request, text, done);
  });
  fastify.addHook('preValidation', (request: FastifyRequest, _reply, done) => {
    const problem = nulInValues(request.query, 'query string') ?? nulInValues(request.params, 'path');
    done(problem ? new ValidationFailed([problem]) : undefined);
  });
}
