/**
 * Bank transfer (对公转账): the payer transfers to our account quoting the order's reference; no provider
 * notifies us, so an operator records the credit against that reference (POST /v1/accounts/{tenantId}/credits,
 * kind bank_transfer). Refunds go back by bank transfer too: the pending refund is finance's work item
 * (GET /v1/refunds/pending), and an operator records what the bank did (POST /v1/refunds/{refundId}/settlement).
 */
import type { MerchantIdentity, PaymentOrder } from '../../domain/payments/payments.js';
import type { ChargeInstructions, PaymentProvider, RefundRequest } from '../../ports/payments.js';

export interface BankAccountConfig {
  readonly accountName: string;
  readonly accountNumber: string;
  readonly bankName: string;
}

export class BankTransferProvider implements PaymentProvider {
  readonly channel = 'bank_transfer' as const;

  constructor(
    private readonly account: () => Promise<BankAccountConfig>,
    /** Also told of each refund to pay out (the local runtime records them); the pending refund is the queue. */
    private readonly payOut?: (refund: RefundRequest) => Promise<void>,
  ) {}

  async merchant(): Promise<MerchantIdentity> {
    const a = await this.account();
    return { appId: 'bank_transfer', merchantId: a.accountNumber };
  }

  async createCharge(order: PaymentOrder): Promise<ChargeInstructions> {
    return { bankAccount: { ...(await this.account()) }, transferReference: order.transferReference ?? '' };
  }

  async requestRefund(refund: RefundRequest): Promise<'requested' | 'refused'> {
    await this.payOut?.(refund);
    return 'requested';
  }
}
