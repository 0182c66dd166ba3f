/**
 * Which channel reaches a recipient. Tenant notifications are texted to mainland China mobiles only (through
 * a Chinese SMS provider, which needs the registered signature and templates); any other number is refused,
 * as alert phones are validated to be mainland mobiles when they are set. E-mail goes to any address.
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
