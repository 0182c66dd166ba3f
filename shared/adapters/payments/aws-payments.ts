/** The payments port in AWS: each provider reads its keys from the merchant secret (Secrets Manager). */
import type { PaymentChannel } from '../../domain/payments/payments.js';
import type { NotifyingProvider, PaymentProvider, PaymentsPort } from '../../ports/payments.js';
import { AlipayProvider } from './alipay.js';
import { BankTransferProvider } from './bank-transfer.js';
import { merchantSecrets } from './merchant-secrets.js';
import { WechatPayProvider } from './wechat-pay.js';

export class AwsPayments implements PaymentsPort {
  private readonly alipay = new AlipayProvider(async () => (await merchantSecrets()).alipay);
  private readonly wechat: WechatPayProvider;
  private readonly bank = new BankTransferProvider(async () => (await merchantSecrets()).bank);

  constructor(now: () => Date) {
    this.wechat = new WechatPayProvider(async () => (await merchantSecrets()).wechatPay, now);
  }

  provider(channel: 'alipay' | 'wechat_pay'): Promise<NotifyingProvider>;
  provider(channel: PaymentChannel): Promise<PaymentProvider>;
  async provider(channel: PaymentChannel): Promise<PaymentProvider> {
    if (channel === 'alipay') return this.alipay;
    if (channel === 'wechat_pay') return this.wechat;
    return this.bank;
  }
}
