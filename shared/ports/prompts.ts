/**
 * The tenant's registered prompts (shared/domain/routing/prompts.ts): DynamoDB in AWS and locally. The audio
 * itself is in the prompts bucket, reached through the `promptAudio` port (a DocumentsPort on that bucket).
 */
import type { PromptRecord } from '../domain/routing/prompts.js';
import type { DocumentsPort } from './documents.js';
import type { Page } from './paging.js';

export interface PromptStore {
  /**
   * Records a new prompt unless the tenant already has `limit` prompts (counted in the same write, so
   * concurrent registrations never overshoot): 'exists' when its id is already taken.
   */
  add(prompt: PromptRecord, limit: number): Promise<'added' | 'exists' | 'limit_reached'>;
  /** Forgets the tenant's prompt, freeing its slot; false when there was none. */
  remove(tenantId: string, promptId: string): Promise<boolean>;
  /** The tenant's prompt, or undefined (another tenant's prompt is undefined too). */
  get(tenantId: string, promptId: string): Promise<PromptRecord | undefined>;
  /** The tenant's prompts, a page at a time, in prompt id order. */
  list(
    tenantId: string,
    page: { readonly limit: number; readonly cursor?: string },
  ): Promise<Page<PromptRecord>>;
  /** Which of `promptIds` the tenant registered (one batched read; ids that are no prompt id are skipped). */
  owned(tenantId: string, promptIds: readonly string[]): Promise<ReadonlySet<string>>;
}

/** The prompts bucket: upload forms and reads as for documents, and the S3 URI Connect's CreatePrompt takes. */
export interface PromptAudioPort extends DocumentsPort {
  /** `s3://<bucket>/<key>`. */
  s3Uri(key: string): string;
  /**
   * The object's first `bytes` bytes (a ranged read), its whole size and its version (a later upload is
   * another version); undefined when nothing arrived.
   */
  readHead(key: string, bytes: number): Promise<PromptAudioHead | undefined>;
  /** Deletes the object (nothing to delete is no error). */
  remove(key: string): Promise<void>;
}

export interface PromptAudioHead {
  readonly head: Uint8Array;
  readonly size: number;
  readonly version: string;
}
