import { BILLING_SCHEMAS } from './billing.js';
import { MEMBER_SCHEMAS } from './members.js';
import { MONEY_SCHEMAS } from './money.js';
import { NUMBER_SCHEMAS } from './numbers.js';
import { PAYMENT_SCHEMAS } from './payments.js';
import { RESPONSE_SCHEMAS } from './responses.js';
import { ROUTING_SCHEMAS } from './routing.js';
import type { RouteSchemas } from './types.js';

const AREA_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  ...NUMBER_SCHEMAS,
  ...ROUTING_SCHEMAS,
  ...MONEY_SCHEMAS,
  ...BILLING_SCHEMAS,
  ...PAYMENT_SCHEMAS,
  ...MEMBER_SCHEMAS,
};

/** Each route's schemas; a response shape from responses.ts where the area file names none. */
export const ROUTE_SCHEMAS: Readonly<Record<string, RouteSchemas>> = Object.fromEntries(
  [...new Set([...Object.keys(AREA_SCHEMAS), ...Object.keys(RESPONSE_SCHEMAS)])].map((id) => {
    const area = AREA_SCHEMAS[id] ?? {};
    const response = area.response ?? RESPONSE_SCHEMAS[id];
    return [id, response ? { ...area, response } : area];
  }),
);
