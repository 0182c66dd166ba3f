/**
 * Errors the domain raises. Each names what went wrong with a stable machine-readable `code`; the HTTP
 * layer maps `kind` to a status. The domain itself knows nothing of HTTP or AWS.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payment_required'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable';

export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const invalid = (code: string, message: string, field?: string, details?: Record<string, unknown>) =>
  new DomainError('validation', code, message, field, details);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', code, message, undefined, details);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
