/**
 * The proration rule (documented in ./README.md):
 *
 *   share(amount, days, daysInMonth) = amount × days ÷ daysInMonth, rounded half up to the fen.
 *
 * A local day (in the contract's zone) is billable when service exists at the start of it or starts on
 * it: the activation day counts, the day service ends on (serviceTo, exclusive) does not. A whole month
 * always costs exactly the monthly amount; a part month never costs more. Integer arithmetic only.
 */
export function share(amount: number, days: number, daysInMonth: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError(`amount must be a non-negative integer, got ${amount}`);
  if (!Number.isInteger(days) || days < 0 || days > daysInMonth)
    throw new RangeError(`days out of range: ${days}`);
  if (days === daysInMonth) return amount;
  return Math.floor((2 * amount * days + daysInMonth) / (2 * daysInMonth));
}
