/**
 * The local runtime's payment providers: they play Alipay and WeChat Pay with keys generated at start-up
 * (nothing secret in the repo), and keep what a provider would know (charges, trades, pending refunds,
 * a daily statement). A simulated payment is a genuinely signed notification in the provider's own
 * format, which goes through the very verification code used in AWS (AlipayNotifications with the
 * official SDK, WechatPayNotifications with node:crypto); only the keys differ.
 */
import { createCipheriv, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { yuanText } from '../../domain/money.js';
import type {
  NotifyingChannel,
  PaymentChannel,
  PaymentOrder,
  StatementLine,
} from '../../domain/payments/payments.js';
import { localDay } from '../../domain/zoned-time.js';
import type {
  ChargeInstructions,
  NotificationRequest,
  NotifyingProvider,
  PaymentProvider,
  PaymentsPort,
  RefundRequest,
} from '../../ports/payments.js';
import { type AlipayMerchantConfig, AlipayNotifications, isoToAlipayTime } from './alipay.js';
import { BankTransferProvider } from './bank-transfer.js';
import { type WechatPayMerchantConfig, WechatPayNotifications, wechatSignedMessage } from './wechat-pay.js';

const ZONE = 'Asia/Shanghai';

function rsaKeys(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** Alipay's signing of a notification: RSA2 over the sorted `key=value` pairs without sign and sign_type. */
export function alipaySign(fields: Readonly<Record<string, string>>, privateKey: string): string {
  const content = Object.keys(fields)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64');
}

/** WeChat Pay's encryption of a notification resource: AES-256-GCM, tag appended, base64. */
export function wechatEncrypt(
  apiV3Key: string,
  plaintext: string,
  nonce: string,
  associatedData: string,
): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}

export interface SimulatedPayment {
  readonly at: Date;
  /** Tamper with what the provider says (tests of mismatches); defaults are the order's. */
  readonly amount?: number;
  readonly tradeNo?: string;
  readonly appId?: string;
  readonly merchantId?: string;
  readonly currency?: string;
}

interface Trade {
  readonly channel: NotifyingChannel;
  readonly orderId: string;
  readonly tradeNo: string;
  readonly amount: number;
  readonly day: string;
}

/** Local keys and state shared by both simulated providers. */
export class LocalPaymentProviders implements PaymentsPort {
  readonly alipayPlatform = rsaKeys();
  readonly wechatPlatform = rsaKeys();
  private readonly merchantKeys = rsaKeys();
  readonly alipayConfig: AlipayMerchantConfig = {
    appId: '2021000000000400',
    sellerId: '2088000000000400',
    privateKey: this.merchantKeys.privateKey,
    alipayPublicKey: this.alipayPlatform.publicKey,
    notifyUrl: 'http://127.0.0.1/webhooks/alipay',
  };
  readonly wechatConfig: WechatPayMerchantConfig = {
    appId: 'wx0000000000000400',
    mchId: '1900000400',
    apiV3Key: randomBytes(16).toString('hex'),
    platformPublicKey: this.wechatPlatform.publicKey,
    platformSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchantPrivateKey: this.merchantKeys.privateKey,
    merchantSerial: 'LOCAL',
    notifyUrl: 'http://127.0.0.1/webhooks/wechat-pay',
  };
  readonly bankAccount = {
    accountName: 'Hotline400 Local Ltd',
    accountNumber: '6222000000000400',
    bankName: 'Local Bank',
  };
  readonly trades: Trade[] = [];
  readonly pendingRefunds: RefundRequest[] = [];
  /** Bank refunds "paid out" by finance. */
  readonly bankPayOuts: RefundRequest[] = [];
  private tradeCounter = 0;
  private readonly alipay: LocalAlipay;
  private readonly wechat: LocalWechatPay;
  private readonly bank: BankTransferProvider;

  constructor() {
    this.alipay = new LocalAlipay(async () => this.alipayConfig, this);
    this.wechat = new LocalWechatPay(async () => this.wechatConfig, this);
    this.bank = new BankTransferProvider(
      async () => this.bankAccount,
      async (r) => {
        this.bankPayOuts.push(r);
      },
    );
  }

  provider(channel: 'alipay' | 'wechat_pay'): Promise<NotifyingProvider>;
  provider(channel: PaymentChannel): Promise<PaymentProvider>;
  async provider(channel: PaymentChannel): Promise<PaymentProvider> {
    if (channel === 'alipay') return this.alipay;
    if (channel === 'wechat_pay') return this.wechat;
    return this.bank;
  }

  nextTradeNo(channel: NotifyingChannel, at: Date): string {
    this.tradeCounter += 1;
    const day = localDay(ZONE, at.getTime()).replaceAll('-', '');
    const serial = String(this.tradeCounter).padStart(10, '0');
    return channel === 'alipay' ? `${day}2200140${serial}` : `4200000400${day}${serial}`;
  }

  /** A signed payment notification for an order, as the provider would POST it; the trade joins the statement. */
  paymentNotification(
    order: PaymentOrder,
    sim: SimulatedPayment,
  ): { request: NotificationRequest; tradeNo: string } {
    if (order.channel === 'bank_transfer') throw new Error('bank transfers have no provider notification');
    const tradeNo = sim.tradeNo ?? this.nextTradeNo(order.channel, sim.at);
    const amount = sim.amount ?? order.amount;
    if (!this.trades.some((t) => t.tradeNo === tradeNo))
      this.trades.push({
        channel: order.channel,
        orderId: order.orderId,
        tradeNo,
        amount,
        day: localDay(ZONE, sim.at.getTime()),
      });
    const request =
      order.channel === 'alipay'
        ? this.alipayPayment(order, tradeNo, amount, sim)
        : this.wechatNotification(
            'TRANSACTION.SUCCESS',
            'transaction',
            {
              appid: sim.appId ?? this.wechatConfig.appId,
              mchid: sim.merchantId ?? this.wechatConfig.mchId,
              out_trade_no: order.orderId,
              transaction_id: tradeNo,
              trade_type: 'NATIVE',
              trade_state: 'SUCCESS',
              trade_state_desc: '支付成功',
              bank_type: 'OTHERS',
              success_time: sim.at.toISOString().replace('.000Z', '+00:00'),
              payer: { openid: 'local-payer' },
              amount: {
                total: amount,
                payer_total: amount,
                currency: sim.currency ?? 'CNY',
                payer_currency: 'CNY',
              },
            },
            sim.at,
          );
    return { request, tradeNo };
  }

  /**
   * A signed refund result for a refund the provider was asked for: paid out (true), failed for good
   * (false: Alipay REFUND_FAIL, WeChat Pay CLOSED) or, WeChat Pay only, held for manual handling ('abnormal').
   */
  refundNotification(
    refund: RefundRequest,
    channel: NotifyingChannel,
    outcome: boolean | 'abnormal',
    at: Date,
  ): NotificationRequest {
    const succeeded = outcome === true;
    if (channel === 'alipay') {
      const fields: Record<string, string> = {
        notify_time: isoToAlipayTime(at.toISOString()),
        notify_type: 'trade_status_sync',
        notify_id: randomBytes(16).toString('hex'),
        app_id: this.alipayConfig.appId,
        charset: 'utf-8',
        version: '1.0',
        sign_type: 'RSA2',
        trade_no: refund.tradeNo,
        out_trade_no: refund.orderId,
        out_biz_no: refund.refundId,
        seller_id: this.alipayConfig.sellerId,
        trade_status: 'TRADE_SUCCESS',
        total_amount: yuanText(refund.orderAmount),
        refund_fee: yuanText(refund.amount),
        send_back_fee: yuanText(refund.amount),
        refund_status: succeeded ? 'REFUND_SUCCESS' : 'REFUND_FAIL',
        gmt_refund: isoToAlipayTime(at.toISOString()),
      };
      fields.sign = alipaySign(fields, this.alipayPlatform.privateKey);
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      };
    }
    const wechatRefundStatus = succeeded ? 'SUCCESS' : outcome === 'abnormal' ? 'ABNORMAL' : 'CLOSED';
    return this.wechatNotification(
      `REFUND.${wechatRefundStatus}`,
      'refund',
      {
        mchid: this.wechatConfig.mchId,
        out_trade_no: refund.orderId,
        transaction_id: refund.tradeNo,
        out_refund_no: refund.refundId,
        refund_id: `5030${refund.refundId}`,
        refund_status: wechatRefundStatus,
        success_time: at.toISOString().replace('.000Z', '+00:00'),
        user_received_account: '支付用户零钱',
        amount: {
          total: refund.orderAmount,
          refund: refund.amount,
          payer_total: refund.orderAmount,
          payer_refund: refund.amount,
        },
      },
      at,
    );
  }

  statement(channel: NotifyingChannel, day: string): StatementLine[] {
    return this.trades
      .filter((t) => t.channel === channel && t.day === day)
      .map((t) => ({ orderId: t.orderId, tradeNo: t.tradeNo, amount: t.amount }));
  }

  private alipayPayment(
    order: PaymentOrder,
    tradeNo: string,
    amount: number,
    sim: SimulatedPayment,
  ): NotificationRequest {
    const at = isoToAlipayTime(sim.at.toISOString());
    const fields: Record<string, string> = {
      notify_time: at,
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      app_id: sim.appId ?? this.alipayConfig.appId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      trade_no: tradeNo,
      out_trade_no: order.orderId,
      buyer_id: '2088102122524333',
      seller_id: sim.merchantId ?? this.alipayConfig.sellerId,
      trade_status: 'TRADE_SUCCESS',
      total_amount: yuanText(amount),
      receipt_amount: yuanText(amount),
      subject: `hotline400 prepaid balance ${order.orderId}`,
      gmt_create: isoToAlipayTime(order.createdAt),
      gmt_payment: at,
      ...(sim.currency ? { trans_currency: sim.currency } : {}),
    };
    fields.sign = alipaySign(fields, this.alipayPlatform.privateKey);
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(fields).toString(),
    };
  }

  private wechatNotification(
    eventType: string,
    originalType: string,
    resource: unknown,
    at: Date,
  ): NotificationRequest {
    const nonce = randomBytes(6).toString('hex');
    const associatedData = originalType;
    const body = JSON.stringify({
      id: `EV-${randomBytes(8).toString('hex')}`,
      create_time: at.toISOString().replace('.000Z', '+00:00'),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: eventType.startsWith('REFUND') ? '退款成功' : '支付成功',
      resource: {
        original_type: originalType,
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: wechatEncrypt(
          this.wechatConfig.apiV3Key,
          JSON.stringify(resource),
          nonce,
          associatedData,
        ),
        associated_data: associatedData,
        nonce,
      },
    });
    const timestamp = String(Math.floor(at.getTime() / 1000));
    const signNonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256')
      .update(wechatSignedMessage(timestamp, signNonce, body), 'utf8')
      .sign(this.wechatPlatform.privateKey, 'base64');
    return {
      headers: {
        'content-type': 'application/json',
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': signNonce,
        'wechatpay-signature': signature,
        'wechatpay-serial': this.wechatConfig.platformSerial,
      },
      body,
    };
  }
}

class LocalAlipay extends AlipayNotifications implements NotifyingProvider {
  constructor(
    config: () => Promise<AlipayMerchantConfig>,
    private readonly local: LocalPaymentProviders,
  ) {
    super(config);
  }
  async createCharge(order: PaymentOrder): Promise<ChargeInstructions> {
    return {
      payUrl: `/local/payments/${order.orderId}/pay`,
      qrCode: `https://qr.alipay.local/${order.orderId}`,
    };
  }
  async requestRefund(refund: RefundRequest): Promise<'requested'> {
    this.local.pendingRefunds.push(refund);
    return 'requested';
  }
  async statement(day: string): Promise<StatementLine[]> {
    return this.local.statement('alipay', day);
  }
}

class LocalWechatPay extends WechatPayNotifications implements NotifyingProvider {
  constructor(
    config: () => Promise<WechatPayMerchantConfig>,
    private readonly local: LocalPaymentProviders,
  ) {
    super(config);
  }
  async createCharge(order: PaymentOrder): Promise<ChargeInstructions> {
    return {
      payUrl: `/local/payments/${order.orderId}/pay`,
      qrCode: `weixin://wxpay/bizpayurl?pr=${order.orderId}`,
    };
  }
  async requestRefund(refund: RefundRequest): Promise<'requested'> {
    this.local.pendingRefunds.push(refund);
    return 'requested';
  }
  async statement(day: string): Promise<StatementLine[]> {
    return this.local.statement('wechat_pay', day);
  }
}
