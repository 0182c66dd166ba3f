/**
 * The default tariff, as data. Operators publish new versions as configuration (ops table, tariff
 * versions); code never hard-codes a rate. Figures follow the market notes in the team handbook:
 * local ≈ ¥0.10–0.15/min, long distance ≈ ¥0.20–0.30/min, 4008 dearest and 4007 cheapest.
 */
import type { PlanTariff, Tariff, TimeBand } from './tariff.js';

const offPeak: readonly TimeBand[] = [
  { name: 'night', weekdays: [1, 2, 3, 4, 5, 6, 7], fromHour: 0, toHour: 7, discountPercent: 30 },
  { name: 'late-evening', weekdays: [1, 2, 3, 4, 5, 6, 7], fromHour: 21, toHour: 24, discountPercent: 30 },
  { name: 'weekend', weekdays: [6, 7], fromHour: 7, toHour: 21, discountPercent: 20 },
];

const plan = (local: number, longDistance: number, includedMinutes: number): PlanTariff => ({
  localPerMinute: local,
  longDistancePerMinute: longDistance,
  incrementSeconds: 60,
  rounding: 'up',
  connectFee: 0,
  bands: offPeak,
  includedMinutes,
  recordingPerMinute: 2,
  ivrPerCall: 1,
});

/**
 * Plan ids and included minutes follow the numbers capability's plans (basic 100, business 600,
 * enterprise 2,000 minutes a month); `payg` (no included minutes) rates a number whose plan is unknown.
 */
const plans = (payg: [number, number], business: [number, number], enterprise: [number, number]) => ({
  payg: plan(payg[0], payg[1], 0),
  basic: plan(payg[0], payg[1], 100),
  business: plan(business[0], business[1], 600),
  enterprise: plan(enterprise[0], enterprise[1], 2000),
});

export const DEFAULT_TARIFF: Tariff = {
  version: '2026-11-01',
  timeZone: 'Asia/Shanghai',
  defaultPlan: 'payg',
  segments: {
    '4008': plans([15, 30], [13, 26], [12, 24]),
    '4009': plans([15, 30], [13, 26], [12, 24]),
    '4006': plans([13, 25], [12, 23], [11, 21]),
    '4000': plans([13, 25], [12, 23], [11, 21]),
    '4001': plans([12, 22], [11, 21], [10, 20]),
    '4007': plans([10, 20], [10, 20], [10, 20]),
    '*': { payg: plan(15, 30, 0) },
  },
};
