import type { LocalCapability } from '../capability.js';
import { capability as billing } from './billing.js';
import { capability as members } from './members.js';
import { capability as money } from './money.js';
import { capability as numbers } from './numbers.js';
import { capability as payments } from './payments.js';
import { capability as routing } from './routing.js';

/** Set up and seeded in this order: routing's local Connect first, money's accounts before numbers use them. */
export const CAPABILITIES: readonly LocalCapability[] = [routing, money, numbers, billing, payments, members];
