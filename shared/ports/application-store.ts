/** Storage of applications and their documents (state changes commit through NumberStore.commit). */
import type { ApplicationRecord, DocumentRecord } from '../domain/numbers/application.js';
import type { Page } from './paging.js';

export interface ApplicationStore {
  get(applicationId: string): Promise<ApplicationRecord | undefined>;
  documents(applicationId: string): Promise<DocumentRecord[]>;
  addDocument(document: DocumentRecord): Promise<void>;
  /** The tenant's applications, newest first. */
  listOfTenant(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<ApplicationRecord>>;
  /** Submitted applications waiting for a decision, oldest first. */
  listPending(page: { limit: number; cursor?: string }): Promise<Page<ApplicationRecord>>;
  /** Ids of drafts (or rejections) whose deadline is at or before `at`, read page by page. */
  dueDrafts(at: string): AsyncIterable<string>;
}
