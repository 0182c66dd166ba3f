/**
 * Keys a tenant names (menu ids, queue ids, answer-number ids) index plain objects: a key such as
 * `constructor` or `__proto__` would otherwise resolve to Object.prototype's members, pass a "does it
 * exist?" check and break every call later. These helpers read own properties only.
 */

/** A name Object.prototype already answers (`constructor`, `__proto__`, `toString`, ...). */
export const isPrototypeKey = (key: string): boolean => key in Object.prototype;

/** The record's own value at `key`, never an inherited one. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
