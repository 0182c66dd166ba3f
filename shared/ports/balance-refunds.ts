/**
 * The payments area's refund, as numbers calls it when a tenant's last number is cancelled: everything
 * refundable (paid in, not spent, never promotional credit) back to the payments' own channels, oldest
 * payment first (shared/app/payments/request-refund.ts). Idempotent per request id.
 */
export interface BalanceRefunds {
  refundAll(request: {
    readonly tenantId: string;
    /** Permanent per cancellation: a retry answers what the first request started. */
    readonly requestId: string;
    readonly by: string;
    readonly now: Date;
  }): Promise<{ readonly refunded: number }>;
}
