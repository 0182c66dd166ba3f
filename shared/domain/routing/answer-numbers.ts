/**
 * Answer numbers must be verified domestic Chinese fixed-line or mobile numbers: forwarding to
 * international or premium destinations is the classic toll-fraud route. The rule itself is the geo
 * module's (shared/geo/answer-number.ts, libphonenumber "max" metadata); this adapts it to routing's
 * validation, which names the offending field.
 */
import { classifyAnswerNumber as classifyWithGeo } from '../../geo/answer-number.js';

export type AnswerNumberClass =
  | { readonly ok: true; readonly e164: string; readonly lineType: 'fixed_line' | 'mobile' }
  | { readonly ok: false; readonly reason: string; readonly message: string };

export type AnswerNumberClassifier = (raw: string) => AnswerNumberClass;

export const classifyAnswerNumber: AnswerNumberClassifier = (raw) => {
  const verdict = classifyWithGeo(raw);
  if (!verdict.ok) return { ok: false, reason: verdict.reason, message: verdict.message };
  return { ok: true, e164: verdict.e164, lineType: verdict.lineType === 'fixed' ? 'fixed_line' : 'mobile' };
};

export { normaliseCaller } from './caller.js';
