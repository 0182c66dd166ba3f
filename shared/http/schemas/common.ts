/** Schema pieces every area's routes share: money in whole fen, and the page parameters of lists. */
import * as z from 'zod/mini';
import { isCalendarDate, isInstant } from '../../domain/calendar-date.js';

/** A whole number of fen from `min` to `max` (JSON numbers; never floats, never strings). */
export const fen = (max: number, min = 1) =>
  z
    .number()
    .check(
      z.refine(
        (n) => Number.isSafeInteger(n) && n >= min && n <= max,
        `must be a whole number of fen from ${min} to ${max}`,
      ),
    );

const LIMIT_RANGE = 'a whole number from 1 to 100';

/** `limit` of a list: 1 to 100 (query strings arrive as strings; -1 and 1000 get the same message as 0). */
export const limitParam = z.optional(
  z
    .pipe(z.string().check(z.regex(/^\d{1,3}$/, LIMIT_RANGE)), z.transform(Number))
    .check(z.refine((n) => n >= 1 && n <= 100, LIMIT_RANGE)),
);

/** `cursor` of a list, as the previous page returned it. */
export const cursorParam = z.optional(z.string().check(z.minLength(1), z.maxLength(1024)));

/** A real calendar day, YYYY-MM-DD (2026-02-30 and 9999-99-99 are not). */
export const calendarDate = z.string().check(z.refine(isCalendarDate, 'a real calendar day YYYY-MM-DD'));

/** An ISO-8601 instant with any offset (2026-11-24T08:00:00+08:00 or …Z), on a real calendar day. */
export const isoInstant = z
  .string()
  .check(z.refine(isInstant, 'an ISO-8601 instant with an offset, such as 2026-11-24T08:00:00+08:00'));
