/**
 * Operators import numbers. Primary course: every line is a valid 400 number; the ones new to the
 * inventory are added (classified, available), in chunks that commit whole. Variations: a file with any
 * malformed line is refused whole (nothing written) with every bad line listed; numbers already in the
 * inventory, or repeated in the file, are reported as duplicates and left untouched, so importing the same
 * file twice changes nothing; a chunk that loses a race to another import is added one number at a time.
 */
import { invalid } from '../../domain/errors.js';
import { NUMBER_PATTERN } from '../../domain/numbers/classifier.js';
import { inventoryNumber } from '../../domain/numbers/number.js';
import type { NumbersDeps } from './deps.js';

export interface ImportReport {
  readonly imported: readonly string[];
  readonly duplicates: readonly string[];
  readonly malformed: readonly { readonly line: number; readonly value: string; readonly reason: string }[];
}

const CHUNK = 100;

export async function importNumbers(
  deps: NumbersDeps,
  raw: readonly string[],
  at: string,
): Promise<ImportReport> {
  const malformed: { line: number; value: string; reason: string }[] = [];
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const fresh: string[] = [];
  raw.forEach((value, index) => {
    const number = value.trim().replace(/[\s-]/g, '');
    if (!NUMBER_PATTERN.test(number)) {
      malformed.push({
        line: index + 1,
        value,
        reason: 'not a 10-digit number in segment 4001, 4006, 4007 or 4008',
      });
    } else if (seen.has(number)) {
      duplicates.push(number);
    } else {
      seen.add(number);
      fresh.push(number);
    }
  });
  if (malformed.length > 0) {
    throw invalid(
      'malformed_numbers',
      `${malformed.length} line(s) are not valid 400 numbers; nothing was imported`,
      'numbers',
      { malformed },
    );
  }
  const imported: string[] = [];
  const recordOf = (number: string) => inventoryNumber(number, at, deps.config);
  for (let start = 0; start < fresh.length; start += CHUNK) {
    const chunk = fresh.slice(start, start + CHUNK);
    const existing = await deps.numbers.existing(chunk);
    const missing = chunk.filter((n) => !existing.has(n));
    duplicates.push(...chunk.filter((n) => existing.has(n)));
    if (missing.length === 0) continue;
    const committed = await deps.numbers.commit(
      missing.map((n) => ({ kind: 'new_number', number: recordOf(n) })),
    );
    if (committed) {
      imported.push(...missing);
      continue;
    }
    for (const n of missing) {
      if (await deps.numbers.addIfAbsent(recordOf(n))) imported.push(n);
      else duplicates.push(n);
    }
  }
  imported.sort();
  duplicates.sort();
  return { imported, duplicates, malformed };
}

/**
 * Seeds demo numbers fast (unconditional writes of the ones not there yet). Only for the local runtime
 * before it serves requests: unlike importNumbers, a number created between the read and the write would
 * be overwritten.
 */
export async function seedNumbers(
  deps: NumbersDeps,
  numbers: readonly string[],
  at: string,
): Promise<number> {
  let written = 0;
  for (let start = 0; start < numbers.length; start += CHUNK) {
    const chunk = numbers.slice(start, start + CHUNK);
    const existing = await deps.numbers.existing(chunk);
    const missing = chunk.filter((n) => !existing.has(n));
    await deps.numbers.seed(missing.map((n) => inventoryNumber(n, at, deps.config)));
    written += missing.length;
  }
  return written;
}
