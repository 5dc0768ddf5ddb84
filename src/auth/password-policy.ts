import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { applyDecorators } from '@nestjs/common';
import { IsString, Length, ValidateBy, type ValidationArguments } from 'class-validator';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
/** zxcvbn's scale is 0–4; 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
export const PASSWORD_MIN_SCORE = 3;
/** Passwords are judged only on sign-up, reset and change: the estimator is let go after this long unused. */
export const ESTIMATOR_IDLE_MS = 5 * 60_000;

type Estimator = Pick<ZxcvbnFactory, 'check'>;

/** zxcvbn with the common and English dictionaries: the three imports are the ≈ 11 MB of word lists. */
export async function buildEstimator(): Promise<Estimator> {
  const [{ ZxcvbnFactory }, { adjacencyGraphs, dictionary }, { default: en }] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]);
  return new ZxcvbnFactory({
    dictionary: { ...dictionary, ...en.dictionary },
    graphs: adjacencyGraphs,
    translations: en.translations,
  });
}

/**
 * zxcvbn built on first use and dropped after `idleMs` without a check: its ranked dictionaries
 * are ≈ 12 MB of heap (the imported word lists, ≈ 11 MB more, stay in the module cache) that an
 * API server would otherwise hold for the rare password it judges.
 */
export class PasswordEstimator {
  private estimator?: Promise<Estimator>;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly idleMs = ESTIMATOR_IDLE_MS,
    private readonly build: () => Promise<Estimator> = buildEstimator,
  ) {}

  get loaded(): boolean {
    return this.estimator !== undefined;
  }

  async check(password: string, userInputs: string[]): Promise<ReturnType<Estimator['check']>> {
    const estimator = (this.estimator ??= this.build());
    this.releaseLater();
    try {
      return (await estimator).check(password, userInputs);
    } catch (error) {
      // A failed build is not kept: the next check tries again.
      if (this.estimator === estimator) this.estimator = undefined;
      throw error;
    }
  }

  private releaseLater(): void {
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.estimator = undefined;
    }, this.idleMs);
    // Never what keeps the process (or a test run) alive.
    this.idleTimer.unref();
  }
}

const estimator = new PasswordEstimator();

/** The words of the other fields (an email's local part, a name): a password built from them is guessable. */
function wordsOf(values: unknown[]): string[] {
  return values
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.toLowerCase().split(/[^\p{L}\p{N}]+/u))
    .filter((w) => w.length >= 3);
}

/** Why the password is too weak, or undefined when it is strong enough. */
export async function passwordWeakness(
  password: string,
  context: unknown[] = [],
  judge: PasswordEstimator = estimator,
): Promise<string | undefined> {
  const { score, feedback } = await judge.check(password, wordsOf(context));
  if (score >= PASSWORD_MIN_SCORE) return undefined;
  const advice = [feedback.warning, ...feedback.suggestions].filter(Boolean).join(' ');
  return `is too easy to guess (strength ${score} of 4, at least ${PASSWORD_MIN_SCORE} needed)${advice ? `: ${advice}` : ''}`;
}

/**
 * The weakness found by `validate`, per validated object and property, for `defaultMessage`
 * (which class-validator calls synchronously once the validation promise has resolved).
 */
const weaknesses = new WeakMap<object, Map<string, string>>();

/**
 * A new password: PASSWORD_MIN–PASSWORD_MAX characters and a zxcvbn strength of at least
 * PASSWORD_MIN_SCORE, judged with the object's `contextFields` (email, name) as known words.
 * The strength check is asynchronous: Nest's ValidationPipe awaits it; `validateSync` skips it.
 */
export const NewPassword = (...contextFields: string[]): PropertyDecorator =>
  applyDecorators(
    IsString(),
    Length(PASSWORD_MIN, PASSWORD_MAX),
    ValidateBy({
      name: 'strongPassword',
      validator: {
        // Only judges a string of an acceptable length: the other rules have their own messages.
        validate: async (value: unknown, args?: ValidationArguments) => {
          if (typeof value !== 'string' || value.length < PASSWORD_MIN || value.length > PASSWORD_MAX) return true;
          const weakness = await passwordWeakness(value, contextOf(args, contextFields));
          if (weakness === undefined) return true;
          if (args)
            weaknesses.set(args.object, (weaknesses.get(args.object) ?? new Map()).set(args.property, weakness));
          return false;
        },
        defaultMessage: (args?: ValidationArguments) =>
          `password ${(args && weaknesses.get(args.object)?.get(args.property)) ?? 'is too weak'}`,
      },
    }),
  );

const contextOf = (args: ValidationArguments | undefined, fields: string[]): unknown[] => {
  const object = (args?.object ?? {}) as Record<string, unknown>;
  return fields.map((f) => object[f]);
};
