/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week) for the embedded
 * runner's schedules; pg-boss parses its own. Written here rather than importing cron-parser,
 * which is only in node_modules as pg-boss's dependency, not ours. Supports `*`, numbers,
 * ranges `a-b`, steps `*\/n` and `a-b/n`, and lists; day-of-week 0–7 (0 and 7 are Sunday).
 * Names (JAN, MON) and the `L`/`W`/`#` extensions are refused, not guessed.
 */
export interface Cron {
  minute: ReadonlySet<number>;
  hour: ReadonlySet<number>;
  dayOfMonth: ReadonlySet<number>;
  month: ReadonlySet<number>;
  dayOfWeek: ReadonlySet<number>;
  /** Standard cron: when both day fields are restricted, a day matching either runs. */
  dayOfMonthAny: boolean;
  dayOfWeekAny: boolean;
}

export class CronError extends Error {
  override readonly name = 'CronError';
}

const FIELDS = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7],
] as const;

function parseField(text: string, [name, min, max]: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(`cron ${name}: "${part}" is not a number, range, step or *`);
    const from = m[1] === '*' ? min : Number(m[2]);
    const to = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from < min || to > max || from > to || step < 1) {
      throw new CronError(`cron ${name}: "${part}" is outside ${min}-${max}`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export function parseCron(expression: string): Cron {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`cron "${expression}" must have 5 fields`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((p, i) => parseField(p, FIELDS[i]));
  if (dayOfWeek.delete(7)) dayOfWeek.add(0);
  return {
    minute,
    hour,
    dayOfMonth,
    month,
    dayOfWeek,
    dayOfMonthAny: parts[2] === '*',
    dayOfWeekAny: parts[4] === '*',
  };
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of `at` in time zone `tz` (an IANA name; throws RangeError if unknown). */
function wallClock(at: Date, tz: string) {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      minute: 'numeric',
      hour: 'numeric',
      day: 'numeric',
      month: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    minute: Number(parts.minute),
    hour: Number(parts.hour),
    day: Number(parts.day),
    month: Number(parts.month),
    weekday: WEEKDAYS[parts.weekday],
  };
}

/** Checks a time zone name once, where the schedule is registered. */
export function assertTimeZone(tz: string): void {
  try {
    wallClock(new Date(0), tz);
  } catch {
    throw new CronError(`unknown time zone "${tz}"`);
  }
}

/** Whether the minute containing `at` is one the expression runs in, in time zone `tz`. */
export function cronMatches(cron: Cron, at: Date, tz = 'UTC'): boolean {
  const t = wallClock(at, tz);
  if (!cron.minute.has(t.minute) || !cron.hour.has(t.hour) || !cron.month.has(t.month)) return false;
  const dom = cron.dayOfMonth.has(t.day);
  const dow = cron.dayOfWeek.has(t.weekday);
  if (cron.dayOfMonthAny || cron.dayOfWeekAny) return dom && dow;
  return dom || dow;
}
