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

export const DEFAULT_TARIFF: Tariff = {
  version: '2026-11-01',
  timeZone: 'Asia/Shanghai',
  defaultPlan: 'standard',
  segments: {
    '4008': { standard: plan(15, 30, 0), business: plan(13, 26, 500), premium: plan(12, 24, 2000) },
    '4009': { standard: plan(15, 30, 0), business: plan(13, 26, 500), premium: plan(12, 24, 2000) },
    '4006': { standard: plan(13, 25, 0), business: plan(12, 23, 500), premium: plan(11, 21, 2000) },
    '4000': { standard: plan(13, 25, 0), business: plan(12, 23, 500), premium: plan(11, 21, 2000) },
    '4001': { standard: plan(12, 22, 0), business: plan(11, 21, 500), premium: plan(10, 20, 2000) },
    '4007': { standard: plan(10, 20, 0), business: plan(10, 20, 500), premium: plan(10, 20, 2000) },
    '*': { standard: plan(15, 30, 0) },
  },
};
