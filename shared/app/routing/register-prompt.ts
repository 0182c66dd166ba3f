/**
 * Primary course: a tenant registers a recorded prompt → its name is checked → the prompt is recorded under
 * a server-chosen id and object key in the tenant's own prefix (`prompts/<tenantId>/<promptId>.wav`) → the
 * tenant gets a short-lived upload form (an S3 presigned POST whose signed policy fixes the key, the content
 * type audio/wav and at most five minutes of 8 kHz µ-law audio). Routing configurations then name the audio
 * by this prompt id; apply turns it into a Connect prompt.
 * Variations: a blank or over-long name → 400 invalid_name; the tenant already has PROMPTS_PER_TENANT
 * prompts → 409 prompt_limit_reached (deleting one it no longer plays frees a slot).
 */
import { conflict } from '../../domain/errors.js';
import {
  checkPromptName,
  PROMPT_CONTENT_TYPE,
  PROMPT_MAX_BYTES,
  PROMPTS_PER_TENANT,
  type PromptRecord,
  promptIdOf,
  promptObjectKey,
} from '../../domain/routing/prompts.js';
import type { PromptAudioPort, PromptStore } from '../../ports/prompts.js';

export interface PromptDeps {
  readonly prompts: PromptStore;
  readonly promptAudio: () => Promise<PromptAudioPort>;
  readonly newId: () => string;
}

export async function registerPrompt(
  deps: PromptDeps,
  request: { readonly tenantId: string; readonly name: string; readonly at: string },
) {
  const { tenantId, at } = request;
  const name = checkPromptName(request.name);
  const promptId = promptIdOf(deps.newId());
  const prompt: PromptRecord = {
    promptId,
    tenantId,
    name,
    objectKey: promptObjectKey(tenantId, promptId),
    createdAt: at,
  };
  // Ids are random UUIDs: a collision means the generator is broken, never a retry to hide.
  const added = await deps.prompts.add(prompt, PROMPTS_PER_TENANT);
  if (added === 'limit_reached')
    throw conflict(
      'prompt_limit_reached',
      `an account may register at most ${PROMPTS_PER_TENANT} prompts: delete one your routing no longer plays (DELETE /v1/prompts/{promptId}) to register another`,
      { limit: PROMPTS_PER_TENANT },
    );
  if (added === 'exists') throw conflict('prompt_exists', `prompt ${promptId} exists`);
  const upload = await (await deps.promptAudio()).presignUpload(
    prompt.objectKey,
    PROMPT_CONTENT_TYPE,
    PROMPT_MAX_BYTES,
    new Date(at),
  );
  return {
    promptId,
    name,
    createdAt: at,
    upload: {
      method: upload.method,
      url: upload.url,
      ...(upload.fields ? { fields: upload.fields } : {}),
      expiresAt: upload.expiresAt,
      contentType: PROMPT_CONTENT_TYPE,
      maxBytes: PROMPT_MAX_BYTES,
    },
  };
}
