/** Qualification documents in S3 (KMS-encrypted, versioned) behind a port; locally, files on disk. */

/** Where and how the client sends the file. */
export interface UploadForm {
  /**
   * `POST`: a multipart form to `url` with `fields` first and the file last (an S3 presigned POST whose
   * signed policy fixes the key, content type and size range). `PUT`: the body to `url` (local runtime).
   */
  readonly method: 'POST' | 'PUT';
  readonly url: string;
  readonly fields?: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/** One stored version of a document, as frozen on an application at submission. */
export interface StoredVersion {
  /** The storage's version id: later writes to the same key make new versions, never change this one. */
  readonly versionId: string;
  /** SHA-256 of the bytes, lowercase hex, computed by reading them. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface DocumentsPort {
  /** A short-lived upload form for exactly this key, content type and at most `maxBytes`, issued at `now`. */
  presignUpload(key: string, contentType: string, maxBytes: number, now: Date): Promise<UploadForm>;
  /** Whether the object exists (an application is only complete once its files arrived). */
  exists(key: string): Promise<boolean>;
  /** The current version of the object with its hash, or undefined when nothing arrived. */
  describe(key: string): Promise<StoredVersion | undefined>;
  /** A short-lived URL, issued at `now`, to read the file (operators reviewing an application): that version when given. */
  presignDownload(key: string, now: Date, versionId?: string): Promise<{ url: string; expiresAt: string }>;
}
