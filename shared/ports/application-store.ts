/** Storage of applications and their documents (state changes commit through NumberStore.commit). */
import type { ApplicationRecord, DocumentRecord } from '../domain/numbers/application.js';
import type { Page } from './paging.js';

export interface ApplicationStore {
  get(applicationId: string): Promise<ApplicationRecord | undefined>;
  documents(applicationId: string): Promise<DocumentRecord[]>;
  /**
   * Records a document and counts it on its application in one conditional write: false (nothing written)
   * when the application already holds `maxDocuments`, is no longer a draft or rejected, or changed.
   * Adding a document moves the application's version, so a submission read before it cannot commit.
   */
  addDocument(document: DocumentRecord, maxDocuments: number): Promise<boolean>;
  /** The tenant's applications, newest first. */
  listOfTenant(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<ApplicationRecord>>;
  /**
   * The tenant's transfer qualifications for `number` (applications with `transfer: true`), in any status,
   * read from the tenant's applications index: eventually consistent, so re-read one before trusting its
   * status.
   */
  transferQualificationsOf(tenantId: string, number: string): Promise<ApplicationRecord[]>;
  /** Submitted applications waiting for a decision, oldest first. */
  listPending(page: { limit: number; cursor?: string }): Promise<Page<ApplicationRecord>>;
  /** Ids of drafts (or rejections) whose deadline is at or before `at`, read page by page. */
  dueDrafts(at: string): AsyncIterable<string>;
}
