/**
 * Primary course: a tenant reads one of its prompts → whether its audio has arrived (`uploaded`) and, if it
 * has, why Amazon Connect would not play it (`problem`; absent when it would).
 * Variations: another tenant's prompt, or none → 404 prompt_not_found (whether it exists is never told).
 */
import { notFound } from '../../domain/errors.js';
import { WAV_HEAD_BYTES, wavProblem } from '../../domain/routing/prompts.js';
import type { PromptDeps } from './register-prompt.js';

export async function getPrompt(
  deps: Omit<PromptDeps, 'newId'>,
  request: { readonly tenantId: string; readonly promptId: string },
) {
  const prompt = await deps.prompts.get(request.tenantId, request.promptId);
  if (!prompt) throw notFound('prompt_not_found', `no prompt ${request.promptId} in your account`);
  const audio = await (await deps.promptAudio()).readHead(prompt.objectKey, WAV_HEAD_BYTES);
  const problem = audio ? wavProblem(audio.head, audio.size) : undefined;
  return {
    promptId: prompt.promptId,
    name: prompt.name,
    createdAt: prompt.createdAt,
    uploaded: audio !== undefined,
    ...(problem ? { problem } : {}),
  };
}

/** A tenant lists its prompts: a page at a time, in prompt id order (their audio is not read). */
export async function listPrompts(
  deps: Pick<PromptDeps, 'prompts'>,
  request: { readonly tenantId: string; readonly limit: number; readonly cursor?: string },
) {
  const page = await deps.prompts.list(request.tenantId, {
    limit: request.limit,
    ...(request.cursor !== undefined ? { cursor: request.cursor } : {}),
  });
  return {
    ...page,
    items: page.items.map(({ promptId, name, createdAt }) => ({ promptId, name, createdAt })),
  };
}
