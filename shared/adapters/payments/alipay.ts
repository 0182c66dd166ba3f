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
import { inflateRawSync } from 'node:zlib';
import { AlipaySdk } from 'alipay-sdk';
import { yuanText } from '../../domain/money.js';
import {
  CURRENCY,
  fenFromYuanText,
  type MerchantIdentity,
  type PaymentOrder,
  type StatementLine,
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

/**
 * Alipay's trade bill detail: comment lines start with "#", then a header, one row per trade or refund
 * (业务类型 交易 / 退款), amounts in yuan. Only trades are payments.
 */
export function parseAlipayTradeBill(csv: string): StatementLine[] {
  const rows = csv
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(',').map((f) => f.trim()));
  const header = rows[0] ?? [];
  const column = (name: string) => header.findIndex((h) => h.startsWith(name));
  const tradeNo = column('支付宝交易号');
  const orderId = column('商户订单号');
  const kind = column('业务类型');
  const amount = column('订单金额');
  if (tradeNo < 0 || orderId < 0 || amount < 0) throw new Error('Alipay trade bill: unexpected header');
  const out: StatementLine[] = [];
  for (const row of rows.slice(1)) {
    if (kind >= 0 && row[kind] !== '交易') continue;
    const fen = fenFromYuanText(row[amount] ?? '');
    if (fen === undefined) throw new Error(`Alipay trade bill: bad amount in ${row.join(',')}`);
    out.push({ orderId: row[orderId] ?? '', tradeNo: row[tradeNo] ?? '', amount: fen });
  }
  return out;
}

/** The files of a zip archive, read through its central directory (stored or deflated entries). */
export function unzip(zip: Buffer): Map<string, Buffer> {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const rawName = zip.subarray(at + 46, at + 46 + nameLength);
    // Bit 11: UTF-8 names; Alipay's tools write GBK names without it.
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'gbk').decode(rawName);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
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

  /**
   * The trade bill of a day: alipay.data.dataservice.bill.downloadurl.query (bill_type=trade) answers a
   * short-lived download URL of a zip of GBK CSVs (https://opendocs.alipay.com/open/028woc); the detail file
   * ("…业务明细.csv", not the "(汇总)" summary) is what parseAlipayTradeBill reads.
   */
  async statement(day: string): Promise<StatementLine[]> {
    const result = await (await this.sdk()).exec('alipay.data.dataservice.bill.downloadurl.query', {
      bizContent: { bill_type: 'trade', bill_date: day },
    });
    if (result.code !== '10000' || typeof result.billDownloadUrl !== 'string')
      throw new Error(`Alipay bill of ${day} unavailable: ${result.code} ${result.subCode ?? ''}`);
    const response = await fetch(result.billDownloadUrl);
    if (!response.ok) throw new Error(`Alipay bill download failed: ${response.status}`);
    const files = unzip(Buffer.from(await response.arrayBuffer()));
    const detail = [...files].find(([name]) => name.endsWith('业务明细.csv'));
    if (!detail) throw new Error(`Alipay bill of ${day}: no detail file in ${[...files.keys()].join(', ')}`);
    return parseAlipayTradeBill(new TextDecoder('gbk').decode(detail[1]));
  }
}
