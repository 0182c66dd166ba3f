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

/** A WAV file: RIFF header, a 16-byte `fmt ` chunk and `seconds` of silence (µ-law silence is 0xFF). */
export function wav(
  seconds: number,
  format: { code?: number; channels?: number; rate?: number; bytesPerSample?: number } = {},
): Buffer {
  const { code = 7, channels = 1, rate = 8000, bytesPerSample = 1 } = format;
  const byteRate = rate * channels * bytesPerSample;
  const data = Math.round(seconds * byteRate);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(code, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(byteRate, 28);
  header.writeUInt16LE(channels * bytesPerSample, 32);
  header.writeUInt16LE(bytesPerSample * 8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  return Buffer.concat([header, Buffer.alloc(data, code === 7 ? 0xff : 0)]);
}
