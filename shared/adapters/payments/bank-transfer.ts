/**
 * Bank transfer (对公转账): the payer transfers to our account quoting the order's reference; no provider
 * notifies us, so an operator records the credit against that reference (POST /v1/accounts/{tenantId}/credits,
 * kind bank_transfer). Refunds go back by bank transfer too: finance pays them out and records the result.
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
    /** Where refunds to pay out by bank go (finance's queue); without one a bank refund is refused. */
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
    if (!this.payOut) throw new Error('bank-transfer refunds need a pay-out queue (not configured)');
    await this.payOut(refund);
    return 'requested';
  }
}
