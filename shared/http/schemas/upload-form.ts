/**
 * An upload form the client completes itself (documents, prompts): an S3 presigned POST when deployed, a PUT
 * to the local runtime. Each response adds the content type and size its bucket takes. A module of its own:
 * its zod objects would otherwise ride in every handler that reads ./common.ts (suspend: +3.3 KB).
 */
import * as z from 'zod/mini';

export const uploadForm = z.object({
  method: z.enum(['POST', 'PUT']),
  url: z
    .string()
    .check(
      z.describe(
        'POST: a multipart/form-data upload to this URL with every `fields` entry, the file last (S3 presigned POST); PUT: the body to this URL with this Content-Type (local runtime)',
      ),
    ),
  fields: z.optional(z.record(z.string(), z.string())),
  expiresAt: z.string().check(z.describe('ISO-8601 instant')),
});
