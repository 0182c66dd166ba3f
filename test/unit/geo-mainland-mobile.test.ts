import { describe, expect, it } from 'vitest';
import { isMainlandMobile } from '../../shared/geo/mainland-mobile.js';

describe('mainland mobile numbers (SMS recipients, issue 15)', () => {
  it('accepts +86 1[3-9] mobiles only', () => {
    for (const ok of ['+8613900000000', '+8613910001234', '+8618600000000', '+8619912345678']) {
      expect(isMainlandMobile(ok)).toBe(true);
    }
    for (const bad of [
      '+19005550100',
      '+88213000000',
      '+862161234567',
      '+8612345678901',
      '13910001234',
      '',
    ]) {
      expect(isMainlandMobile(bad)).toBe(false);
    }
  });
});
