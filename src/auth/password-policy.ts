import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import en from '@zxcvbn-ts/language-en';
import { applyDecorators } from '@nestjs/common';
import { IsString, Length, ValidateBy, type ValidationArguments } from 'class-validator';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
/** zxcvbn's scale is 0–4; 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
export const PASSWORD_MIN_SCORE = 3;

const estimator = new ZxcvbnFactory({
  dictionary: { ...dictionary, ...en.dictionary },
  graphs: adjacencyGraphs,
  translations: en.translations,
});

/** The words of the other fields (an email's local part, a name): a password built from them is guessable. */
function wordsOf(values: unknown[]): string[] {
  return values
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.toLowerCase().split(/[^\p{L}\p{N}]+/u))
    .filter((w) => w.length >= 3);
}

/** Why the password is too weak, or undefined when it is strong enough. */
export function passwordWeakness(password: string, context: unknown[] = []): string | undefined {
  const { score, feedback } = estimator.check(password, wordsOf(context));
  if (score >= PASSWORD_MIN_SCORE) return undefined;
  const advice = [feedback.warning, ...feedback.suggestions].filter(Boolean).join(' ');
  return `is too easy to guess (strength ${score} of 4, at least ${PASSWORD_MIN_SCORE} needed)${advice ? `: ${advice}` : ''}`;
}

/**
 * A new password: PASSWORD_MIN–PASSWORD_MAX characters and a zxcvbn strength of at least
 * PASSWORD_MIN_SCORE, judged with the object's `contextFields` (email, name) as known words.
 */
export const NewPassword = (...contextFields: string[]): PropertyDecorator =>
  applyDecorators(
    IsString(),
    Length(PASSWORD_MIN, PASSWORD_MAX),
    ValidateBy({
      name: 'strongPassword',
      validator: {
        // Only judges a string of an acceptable length: the other rules have their own messages.
        validate: (value: unknown, args?: ValidationArguments) =>
          typeof value !== 'string' ||
          value.length < PASSWORD_MIN ||
          value.length > PASSWORD_MAX ||
          passwordWeakness(value, contextOf(args, contextFields)) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `password ${passwordWeakness(String(args?.value ?? ''), contextOf(args, contextFields)) ?? 'is too weak'}`,
      },
    }),
  );

const contextOf = (args: ValidationArguments | undefined, fields: string[]): unknown[] => {
  const object = (args?.object ?? {}) as Record<string, unknown>;
  return fields.map((f) => object[f]);
};
