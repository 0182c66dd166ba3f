/**
 * Answer numbers must be verified domestic Chinese fixed-line or mobile numbers: forwarding to
 * international or premium destinations is the classic toll-fraud route. The check is pure (libphonenumber
 * metadata); the caller-region index (shared/geo) may supply a classifier instead.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type AnswerNumberClass =
  | { readonly ok: true; readonly e164: string; readonly lineType: 'fixed_line' | 'mobile' }
  | { readonly ok: false; readonly reason: 'unparseable' | 'international' | 'premium_or_service' | 'invalid' };

export type AnswerNumberClassifier = (raw: string) => AnswerNumberClass;

/** Reads "13910001234", "010-5888 1234", "+86 10 58881234", "008613910001234" as China numbers. */
export function toE164(raw: string): string | undefined {
  const cleaned = raw.replace(/[\s\-()]/g, '').replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(cleaned, 'CN');
  return parsed?.number;
}

export const classifyAnswerNumber: AnswerNumberClassifier = (raw) => {
  const cleaned = raw.replace(/[\s\-()]/g, '').replace(/^00/, '+');
  if (!/^\+?\d{5,16}$/.test(cleaned)) return { ok: false, reason: 'unparseable' };
  const parsed = parsePhoneNumberFromString(cleaned, 'CN');
  if (!parsed) return { ok: false, reason: 'unparseable' };
  if (parsed.country !== 'CN' && parsed.countryCallingCode !== '86') return { ok: false, reason: 'international' };
  if (!parsed.isValid()) return { ok: false, reason: 'invalid' };
  const type = parsed.getType();
  if (type === 'MOBILE') return { ok: true, e164: parsed.number, lineType: 'mobile' };
  if (type === 'FIXED_LINE' || type === 'FIXED_LINE_OR_MOBILE') {
    return { ok: true, e164: parsed.number, lineType: 'fixed_line' };
  }
  // TOLL_FREE (800), SHARED_COST / UAN (400, 95xxx), PREMIUM_RATE, VOIP, PAGER…
  return { ok: false, reason: 'premium_or_service' };
};

/** Caller numbers as Connect sends them (+86…), or as a tenant lists them (blacklist, VIP). */
export function normaliseCaller(raw: string): string {
  const cleaned = raw.replace(/[\s\-()]/g, '').replace(/^00/, '+');
  if (cleaned.startsWith('+')) return cleaned;
  return toE164(cleaned) ?? cleaned;
}
