/** The wall-clock date and hour at `at` in an IANA time zone (UTC when the name is unknown to Intl). */
export function localTime(at: Date, timeZone: string): { date: string; hour: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
  } catch {
    // Written past the API (plain SQL) and unknown here: the digest still goes out, in UTC.
    return localTime(at, 'UTC');
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, hour: Number(part('hour')) };
}

/** The digest goes out from 08:00 local time; a process down at 08:00 still sends it until noon. */
export const DIGEST_HOURS = { from: 8, until: 12 } as const;

export const isDigestTime = (hour: number): boolean => hour >= DIGEST_HOURS.from && hour < DIGEST_HOURS.until;
