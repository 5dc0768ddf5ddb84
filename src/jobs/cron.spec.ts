import { describe, expect, it } from '@jest/globals';
import { assertTimeZone, CronError, cronMatches, parseCron } from './cron.js';

const at = (iso: string) => new Date(iso);

describe('cron (the embedded runner’s schedules)', () => {
  it('matches every minute with * * * * *', () => {
    expect(cronMatches(parseCron('* * * * *'), at('2027-01-01T00:00:30Z'))).toBe(true);
  });

  it('matches steps, ranges and lists', () => {
    const cron = parseCron('*/15 9-17 * * 1-5');
    expect(cronMatches(cron, at('2027-03-01T09:45:00Z'))).toBe(true); // a Monday
    expect(cronMatches(cron, at('2027-03-01T09:44:00Z'))).toBe(false);
    expect(cronMatches(cron, at('2027-03-06T09:45:00Z'))).toBe(false); // a Saturday
    expect(cronMatches(parseCron('0 0 1,15 * *'), at('2027-03-15T00:00:00Z'))).toBe(true);
  });

  it('treats 7 as Sunday and ORs restricted day fields, as cron does', () => {
    expect(cronMatches(parseCron('0 0 * * 7'), at('2027-03-07T00:00:00Z'))).toBe(true);
    const either = parseCron('0 0 13 * 5');
    expect(cronMatches(either, at('2027-03-13T00:00:00Z'))).toBe(true); // the 13th, a Saturday
    expect(cronMatches(either, at('2027-03-05T00:00:00Z'))).toBe(true); // a Friday
    expect(cronMatches(either, at('2027-03-06T00:00:00Z'))).toBe(false);
  });

  it('reads the wall clock of the time zone', () => {
    const sevenInNewYork = parseCron('0 7 * * *');
    expect(cronMatches(sevenInNewYork, at('2027-01-15T12:00:00Z'), 'America/New_York')).toBe(true);
    expect(cronMatches(sevenInNewYork, at('2027-07-15T11:00:00Z'), 'America/New_York')).toBe(true); // DST
    expect(cronMatches(sevenInNewYork, at('2027-01-15T07:00:00Z'), 'America/New_York')).toBe(false);
  });

  it('refuses what it does not understand', () => {
    for (const bad of ['* * * *', '60 * * * *', '* * * JAN *', '5-1 * * * *', '*/0 * * * *', '0 0 L * *']) {
      expect(() => parseCron(bad)).toThrow(CronError);
    }
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(CronError);
  });
});
