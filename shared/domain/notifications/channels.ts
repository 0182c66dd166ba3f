/**
 * Which channel reaches a recipient. Tenant notifications are texted to mainland China mobiles only (through
 * a Chinese SMS provider, which needs the registered signature and templates); any other number is refused,
 * as alert phones are validated to be mainland mobiles when they are set. E-mail goes to any address SMTP can
 * carry: at most 254 octets.
 */
import { MAINLAND_MOBILE_E164 } from '../../geo/mainland-mobile.js';

/** An E.164 mainland mobile (+86 1[3-9]… , 11 digits after the country code). */
export function isMainlandMobile(phone: string): boolean {
  return MAINLAND_MOBILE_E164.test(phone);
}

/** The 11-digit number without +86, as Aliyun's PhoneNumbers takes a mainland mobile. */
export function nationalMobile(phone: string): string {
  if (!isMainlandMobile(phone)) throw new Error(`not a mainland mobile: ${phone}`);
  return phone.slice(3);
}

/** RFC 5321's longest address (its 256-octet path less the angle brackets): SMTP carries no longer one. */
export const MAX_ADDRESS_BYTES = 254;

/** An address short enough to send to (and to key a delivery record by): at most 254 bytes of UTF-8. */
export function isSendableAddress(email: string): boolean {
  return new TextEncoder().encode(email).length <= MAX_ADDRESS_BYTES;
}
