/**
 * Primary course: a tenant reads one of its prompts → whether its audio has arrived (`uploaded`).
 * Variations: another tenant's prompt, or none → 404 prompt_not_found (whether it exists is never told).
 */
import { notFound } from '../../domain/errors.js';
import type { PromptDeps } from './register-prompt.js';

export async function getPrompt(
  deps: Omit<PromptDeps, 'newId'>,
  request: { readonly tenantId: string; readonly promptId: string },
) {
  const prompt = await deps.prompts.get(request.tenantId, request.promptId);
  if (!prompt) throw notFound('prompt_not_found', `no prompt ${request.promptId} in your account`);
  const uploaded = await (await deps.promptAudio()).exists(prompt.objectKey);
  return { promptId: prompt.promptId, name: prompt.name, createdAt: prompt.createdAt, uploaded };
}
