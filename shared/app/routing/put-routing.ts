/**
 * Primary course: a tenant stores a routing configuration → check ownership → normalise and validate it
 * against the number's restrictions → check the expected version (If-Match) → store it as the next
 * version (head and version row together). Nothing reaches Connect until it is applied.
 * Variations: invalid → validation error with its field (audio that is not one of the tenant's registered
 * prompts, whatever it names: 400 prompt_not_owned); If-Match names another version, or another
 * write got there first → conflict (version_mismatch); without If-Match a version is still never skipped
 * or duplicated.
 */
import { conflict } from '../../domain/errors.js';
import { normaliseConfig, type RoutingConfigInput, validateConfig } from '../../domain/routing/config.js';
import type { PromptStore } from '../../ports/prompts.js';
import type { RoutingStore, StoredConfig } from '../../ports/routing.js';
import { ownedNumber } from './owned-number.js';
import { ownedPromptsOf } from './owned-prompts.js';

export interface PutRoutingRequest {
  readonly number: string;
  readonly tenantId: string;
  readonly input: RoutingConfigInput;
  readonly at: string;
  readonly expectedVersion?: number;
}

export async function putRouting(
  deps: { readonly routing: RoutingStore; readonly prompts: PromptStore; readonly timeZone: string },
  request: PutRoutingRequest,
): Promise<StoredConfig> {
  const { number, tenantId } = request;
  const facts = await ownedNumber(deps.routing, number, tenantId);
  const config = normaliseConfig(request.input, deps.timeZone);
  validateConfig(config, {
    noMultiLevelTransfer: facts.restrictions?.noMultiLevelTransfer ?? false,
    announcementRequired: facts.restrictions?.recordingAnnouncementRequired ?? false,
    ownedPrompts: await ownedPromptsOf(deps.prompts, tenantId, config),
  });
  const previous = (await deps.routing.config(number))?.version ?? 0;
  if (request.expectedVersion !== undefined && request.expectedVersion !== previous) {
    throw conflict(
      'version_mismatch',
      `the routing configuration is at version ${previous}, not ${request.expectedVersion}`,
      { currentVersion: previous },
    );
  }
  const stored: StoredConfig = { number, tenantId, version: previous + 1, config, updatedAt: request.at };
  if (!(await deps.routing.putConfig(stored, previous)))
    throw conflict('version_mismatch', 'the routing configuration changed meanwhile; read it again', {
      currentVersion: previous,
    });
  return stored;
}
