/**
 * Primary course: a tenant deletes a prompt none of its numbers plays → the Connect prompt apply made from
 * it (if any) is deleted → its audio is deleted from the prompts bucket → the registration is removed,
 * freeing one of the tenant's PROMPTS_PER_TENANT slots.
 * The registration goes last: a failure on the way leaves it in place, so the same DELETE, sent again,
 * finishes the job (each step finds what an earlier attempt already removed gone, which is no error).
 * Variations: another tenant's prompt, or none → 404 prompt_not_found (whether it exists is never told);
 * the current configuration of one of the tenant's numbers plays it, or the configuration last applied to
 * one does (calls still play its Connect prompt, and the number's applied state names it) → 409
 * prompt_in_use with those numbers. So no applied state ever names a deleted prompt.
 */
import { conflict, notFound } from '../../domain/errors.js';
import { connectPromptName, referencedPromptIds } from '../../domain/routing/prompts.js';
import type { PromptAudioPort, PromptStore } from '../../ports/prompts.js';
import type { RoutingStore } from '../../ports/routing.js';
import type { TelephonyPort } from '../../ports/telephony.js';

export interface DeletePromptDeps {
  readonly prompts: PromptStore;
  readonly promptAudio: () => Promise<PromptAudioPort>;
  readonly routing: Pick<RoutingStore, 'config' | 'applied'>;
  /** Every number indexed under the tenant. */
  readonly numbersOfTenant: (tenantId: string) => Promise<readonly string[]>;
  readonly telephony: () => Promise<TelephonyPort>;
}

export async function deletePrompt(
  deps: DeletePromptDeps,
  request: { readonly tenantId: string; readonly promptId: string },
): Promise<void> {
  const { tenantId, promptId } = request;
  const prompt = await deps.prompts.get(tenantId, promptId);
  if (!prompt) throw notFound('prompt_not_found', `no prompt ${promptId} in your account`);
  const playing = await numbersPlaying(deps, tenantId, promptId);
  if (playing.length > 0)
    throw conflict(
      'prompt_in_use',
      `prompt ${promptId} is played by the routing of ${playing.join(', ')}: store and apply configurations without it first`,
      { numbers: playing },
    );
  await (await deps.telephony()).deletePrompt(connectPromptName(promptId));
  await (await deps.promptAudio()).remove(prompt.objectKey);
  await deps.prompts.remove(tenantId, promptId);
}

/** The tenant's numbers whose current configuration, or last applied one, plays the prompt. */
async function numbersPlaying(deps: DeletePromptDeps, tenantId: string, promptId: string): Promise<string[]> {
  const playing: string[] = [];
  for (const number of await deps.numbersOfTenant(tenantId)) {
    const stored = await deps.routing.config(number);
    const configured = stored?.tenantId === tenantId && referencedPromptIds(stored.config).includes(promptId);
    if (configured || (await deps.routing.applied(number)).resources[`prompt:${promptId}`])
      playing.push(number);
  }
  return playing.sort();
}
