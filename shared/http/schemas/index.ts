import { BILLING_SCHEMAS } from './billing.js';
import { MONEY_SCHEMAS } from './money.js';
import { NUMBER_SCHEMAS } from './numbers.js';
import { PAYMENT_SCHEMAS } from './payments.js';
import { ROUTING_SCHEMAS } from './routing.js';
import type { RouteSchemas } from './types.js';

export const ROUTE_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  ...NUMBER_SCHEMAS,
  ...ROUTING_SCHEMAS,
  ...MONEY_SCHEMAS,
  ...BILLING_SCHEMAS,
  ...PAYMENT_SCHEMAS,
};
