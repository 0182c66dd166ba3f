/** Registers the S3 documents adapter as the `documents` port's AWS implementation (SDK loaded on first use). */
import { registerPortFactory } from '../../runtime/ports.js';

registerPortFactory('documents', async () => (await import('./s3-documents.js')).createS3Documents());
