/** Money is integer fen; these write it as yuan for people and providers. */

/** Yuan as providers and statements write them ("88.80", "-0.05"), by integer arithmetic, never floating point. */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The same with the currency sign, as notifications show it ("¥88.80"). */
export const yuanWithSign = (fen: number): string => `¥${yuanText(fen)}`;
