/**
 * Which numbers a hotline may forward calls to. Only valid domestic fixed-line and mobile numbers:
 * forwarding to international, premium-rate, shared-cost (400), toll-free (800), VoIP or other
 * non-subscriber numbers is the classic toll-fraud route (the tenant's 400 number dials out at our cost).
 * Number types come from libphonenumber-js with its full ("max") metadata.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { invalid } from '../domain/errors.js';
import type { LineType } from './caller-region.js';

export type AnswerNumberRefusal =
  | 'invalid'
  | 'international'
  | 'premium_rate'
  | 'shared_cost'
  | 'toll_free'
  | 'voip'
  | 'unsupported_type';

export type AnswerNumberClass =
  | { readonly ok: true; readonly e164: string; readonly lineType: LineType }
  | { readonly ok: false; readonly reason: AnswerNumberRefusal; readonly message: string };

const MAX_INPUT = 40;

const refuse = (reason: AnswerNumberRefusal, message: string): AnswerNumberClass => ({
  ok: false,
  reason,
  message,
});

/**
 * Accepts E.164 or Chinese national forms (0755 1234 5678, 13910001234); returns the normalized E.164
 * number and its line type, or the reason it may not be forwarded to.
 */
export function classifyAnswerNumber(number: string): AnswerNumberClass {
  if (typeof number !== 'string' || number.trim() === '' || number.length > MAX_INPUT) {
    return refuse('invalid', 'not a phone number');
  }
  const parsed = parsePhoneNumberFromString(number, { defaultCountry: 'CN', extract: false });
  if (!parsed) return refuse('invalid', 'not a phone number');
  if (parsed.countryCallingCode !== '86') {
    return refuse('international', `international numbers (+${parsed.countryCallingCode}) are not allowed`);
  }
  if (parsed.ext) return refuse('invalid', 'extensions cannot be dialled');
  if (!parsed.isValid()) return refuse('invalid', 'not a valid Chinese phone number');
  switch (parsed.getType()) {
    case 'FIXED_LINE':
      return { ok: true, e164: parsed.number, lineType: 'fixed' };
    case 'MOBILE':
      return { ok: true, e164: parsed.number, lineType: 'mobile' };
    case 'FIXED_LINE_OR_MOBILE':
      return {
        ok: true,
        e164: parsed.number,
        lineType: /^1[1-9]/.test(parsed.nationalNumber) ? 'mobile' : 'fixed',
      };
    case 'PREMIUM_RATE':
      return refuse('premium_rate', 'premium-rate numbers are not allowed');
    case 'SHARED_COST':
      return refuse('shared_cost', 'shared-cost numbers (400 and similar) are not allowed');
    case 'TOLL_FREE':
      return refuse('toll_free', 'toll-free numbers (800 and similar) are not allowed');
    case 'VOIP':
      return refuse('voip', 'VoIP numbers are not allowed');
    case undefined:
      return refuse('invalid', 'not a valid Chinese phone number');
    default:
      return refuse('unsupported_type', `${parsed.getType()?.toLowerCase()} numbers are not allowed`);
  }
}

/**
 * For HTTP handlers: the accepted number, or a 400 `answer_number_<reason>` naming `field`.
 */
export function requireAnswerNumber(number: string, field: string): { e164: string; lineType: LineType } {
  const result = classifyAnswerNumber(number);
  if (!result.ok) throw invalid(`answer_number_${result.reason}`, result.message, field);
  return { e164: result.e164, lineType: result.lineType };
}
