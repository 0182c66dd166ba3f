import type { LocalCapability } from '../capability.js';

export const capability: LocalCapability = { name: 'routing' };
