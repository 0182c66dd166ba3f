/**
 * Numbers the platform itself sends SMS to (alert recipients, callers' SMS) are mainland China mobile
 * numbers only: an SMS to a foreign or premium number is SMS pumping at the platform's cost.
 */
import { classifyAnswerNumber } from './answer-number.js';

/** The format alone, cheap enough for request schemas (no libphonenumber metadata in every bundle). */
export const MAINLAND_MOBILE_E164 = /^\+861[3-9]\d{9}$/;

/** True for an E.164 mainland mobile number (+86 1[3-9]xxxxxxxxx) that libphonenumber also types as mobile. */
export function isMainlandMobile(number: string): boolean {
  if (!MAINLAND_MOBILE_E164.test(number)) return false;
  const verdict = classifyAnswerNumber(number);
  return verdict.ok && verdict.lineType === 'mobile';
}
