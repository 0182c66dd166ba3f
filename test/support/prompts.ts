/** Prompt dependencies for routing tests: the DynamoDB prompt store and a prompts bucket on disk. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoPromptStore } from '../../shared/adapters/dynamo/prompt-store.js';
import { createLocalDocuments } from '../../shared/adapters/local/local-documents.js';
import type { PromptAudioPort } from '../../shared/ports/prompts.js';

export const promptStore = new DynamoPromptStore();

/** The local prompts bucket: the local documents adapter under a temporary folder, with S3 URIs. */
export function localPromptAudio(): PromptAudioPort & ReturnType<typeof createLocalDocuments> {
  const documents = createLocalDocuments(mkdtempSync(join(tmpdir(), 'prompts-')));
  return { ...documents, s3Uri: (key: string) => `s3://local-prompts/${key}` };
}

/** Prompt deps for tests whose configurations play no recorded audio (the bucket is never reached). */
export const noPromptAudio = {
  prompts: promptStore,
  promptAudio: async (): Promise<PromptAudioPort> => {
    throw new Error('this test plays no recorded audio');
  },
};
