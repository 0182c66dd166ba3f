/**
 * Alipay (支付宝) behind the payments port. Notifications are verified with the official alipay-sdk
 * (`checkNotifySignV2`: RSA2 over the sorted parameters without `sign`/`sign_type`, values as received)
 * against Alipay's public key, and only then read.
 *
 * Documented behaviour relied on (https://opendocs.alipay.com/open/270/105902, "异步通知说明"; English:
 * https://docs.antom.com/ac/web/async): the notification is a form POST to notify_url with
 * notify_type=trade_status_sync, app_id, seller_id, out_trade_no, trade_no, total_amount (yuan, two
 * decimals) and trade_status (TRADE_SUCCESS / TRADE_FINISHED mean paid); refund notifications add
 * out_biz_no (our refund request number) and the refunded fee. The receiver answers the plain text
 * "success" to stop retries; anything else ("fail") makes Alipay retry 8 times over 25 hours.
 */
import { AlipaySdk } from 'alipay-sdk';
import {
  CURRENCY,
  fenFromYuanText,
  type MerchantIdentity,
  type PaymentOrder,
  type StatementLine,
  yuanText,
} from '../../domain/payments/payments.js';
import type {
  ChargeInstructions,
  NotificationRequest,
  NotifyingProvider,
  RefundRequest,
  VerificationResult,
  WebhookAnswer,
} from '../../ports/payments.js';

export interface AlipayMerchantConfig {
  readonly appId: string;
  /** The merchant's PID (2088…): a notification's seller_id. */
  readonly sellerId: string;
  /** Our application private key (PKCS#8 PEM), for requests to Alipay. */
  readonly privateKey: string;
  /** Alipay's public key (SPKI PEM): what notifications are verified with. */
  readonly alipayPublicKey: string;
  readonly notifyUrl: string;
  readonly gateway?: string;
}

/** Alipay's times are Beijing wall-clock "yyyy-MM-dd HH:mm:ss". */
export function alipayTimeToIso(text: string | undefined): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text ?? '');
  return m ? new Date(`${m[1]}T${m[2]}+08:00`).toISOString() : undefined;
}

export function isoToAlipayTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The notification side of Alipay (verify, read, answer): the same code in AWS and in the local runtime. */
export class AlipayNotifications {
  readonly channel = 'alipay' as const;
  private sdkInstance: AlipaySdk | undefined;

  constructor(protected readonly config: () => Promise<AlipayMerchantConfig>) {}

  protected async sdk(): Promise<AlipaySdk> {
    if (this.sdkInstance) return this.sdkInstance;
    const c = await this.config();
    this.sdkInstance = new AlipaySdk({
      appId: c.appId,
      privateKey: c.privateKey,
      keyType: 'PKCS8',
      alipayPublicKey: c.alipayPublicKey,
      signType: 'RSA2',
      ...(c.gateway ? { gateway: c.gateway } : {}),
    });
    return this.sdkInstance;
  }

  async merchant(): Promise<MerchantIdentity> {
    const c = await this.config();
    return { appId: c.appId, merchantId: c.sellerId };
  }

  async verifyNotification(request: NotificationRequest, _now: Date): Promise<VerificationResult> {
    const fields: Record<string, string> = {};
    try {
      for (const [key, value] of new URLSearchParams(request.body)) fields[key] = value;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!fields.sign || !fields.out_trade_no || !fields.trade_no) return { ok: false, reason: 'malformed' };
    // Values were decoded once by URLSearchParams, so the SDK must not decode them again (V2).
    if (!(await this.sdk()).checkNotifySignV2(fields)) return { ok: false, reason: 'bad_signature' };
    const currency = fields.trans_currency ?? CURRENCY;
    if (fields.out_biz_no && (fields.send_back_fee ?? fields.refund_fee)) {
      const amount = fenFromYuanText(fields.send_back_fee ?? fields.refund_fee ?? '');
      if (amount === undefined) return { ok: false, reason: 'malformed' };
      return {
        ok: true,
        notification: {
          kind: 'refund',
          channel: 'alipay',
          orderId: fields.out_trade_no,
          refundId: fields.out_biz_no,
          amount,
          succeeded: fields.refund_status !== 'REFUND_FAIL',
          appId: fields.app_id ?? '',
          merchantId: fields.seller_id ?? '',
        },
      };
    }
    const amount = fenFromYuanText(fields.total_amount ?? '');
    if (amount === undefined) return { ok: false, reason: 'malformed' };
    return {
      ok: true,
      notification: {
        kind: 'payment',
        channel: 'alipay',
        orderId: fields.out_trade_no,
        tradeNo: fields.trade_no,
        amount,
        currency,
        appId: fields.app_id ?? '',
        merchantId: fields.seller_id ?? '',
        paidAt: alipayTimeToIso(fields.gmt_payment) ?? alipayTimeToIso(fields.notify_time) ?? '',
        succeeded: fields.trade_status === 'TRADE_SUCCESS' || fields.trade_status === 'TRADE_FINISHED',
      },
    };
  }

  answer(accepted: boolean): WebhookAnswer {
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: accepted ? 'success' : 'fail' };
  }
}

/** Alipay in AWS: face-to-face precreate (QR content), refunds through alipay.trade.refund. */
export class AlipayProvider extends AlipayNotifications implements NotifyingProvider {
  async createCharge(order: PaymentOrder): Promise<ChargeInstructions> {
    const c = await this.config();
    const result = await (await this.sdk()).exec('alipay.trade.precreate', {
      notify_url: c.notifyUrl,
      bizContent: {
        out_trade_no: order.orderId,
        total_amount: yuanText(order.amount),
        subject: `hotline400 prepaid balance ${order.orderId}`,
        time_expire: isoToAlipayTime(order.expiresAt),
      },
    });
    if (result.code !== '10000' || typeof result.qrCode !== 'string')
      throw new Error(`alipay.trade.precreate failed: ${result.code} ${result.subCode ?? ''}`);
    return { qrCode: result.qrCode };
  }

  /** alipay.trade.refund answers synchronously; its notification comes only when money moved. */
  async requestRefund(refund: RefundRequest): Promise<'requested' | 'refused'> {
    const result = await (await this.sdk()).exec('alipay.trade.refund', {
      bizContent: {
        out_trade_no: refund.orderId,
        refund_amount: yuanText(refund.amount),
        out_request_no: refund.refundId,
      },
    });
    // 40004 "business failed" (e.g. not enough refundable left): a definite no; anything else is unknown.
    if (result.code === '40004') return 'refused';
    if (result.code !== '10000')
      throw new Error(`alipay.trade.refund failed: ${result.code} ${result.subCode ?? ''}`);
    return 'requested';
  }

  async statement(_day: string): Promise<StatementLine[]> {
    // alipay.data.dataservice.bill.downloadurl.query (bill_type=trade) gives a zipped CSV: not wired yet.
    throw new Error('Alipay statement download is not implemented yet');
  }
}
