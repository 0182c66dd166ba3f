/** Qualification documents in S3 (KMS-encrypted) behind a port; locally, files on disk. */
export interface DocumentsPort {
  /** A short-lived URL the client PUTs the file to. */
  presignUpload(
    key: string,
    contentType: string,
    maxBytes: number,
  ): Promise<{ url: string; expiresAt: string }>;
  /** Whether the object exists (an application is only complete once its files arrived). */
  exists(key: string): Promise<boolean>;
  /** A short-lived URL to read the file (operators reviewing an application); optional for older adapters. */
  presignDownload?(key: string): Promise<{ url: string; expiresAt: string }>;
}
