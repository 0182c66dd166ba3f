/**
 * Which of a configuration's audio references are prompts the tenant registered: the set every validation of
 * a routing configuration (store, request apply, apply, draft test calls) checks them against.
 */
import { referencedPromptIds } from '../../domain/routing/prompts.js';
import type { RoutingConfig } from '../../domain/routing/types.js';
import type { PromptStore } from '../../ports/prompts.js';

export async function ownedPromptsOf(
  prompts: PromptStore,
  tenantId: string,
  config: RoutingConfig,
): Promise<ReadonlySet<string>> {
  const ids = referencedPromptIds(config);
  return ids.length === 0 ? new Set() : prompts.owned(tenantId, ids);
}
