/**
 * WeChat Pay API v3 (微信支付) behind the payments port, with node:crypto on its documented scheme:
 * - a notification is trusted only if `Wechatpay-Signature` is SHA256withRSA over
 *   "<Wechatpay-Timestamp>\n<Wechatpay-Nonce>\n<body>\n" with the platform key named by `Wechatpay-Serial`,
 *   and the timestamp is within 5 minutes (https://pay.weixin.qq.com/docs/merchant/development/
 *   interface-rules/signature-verification.html);
 * - its `resource` is then decrypted with AEAD_AES_256_GCM: key = the APIv3 key, the 12-byte nonce and
 *   associated_data from the resource, the last 16 bytes of the base64 ciphertext are the tag
 *   (https://pay.weixin.qq.com/docs/merchant/development/interface-rules/certificate-callback-decryption.html);
 * - the answer is HTTP 200/204 without body on success, or 4XX/5XX with {"code":"FAIL","message":"失败"}
 *   on failure, which makes WeChat Pay retry (https://pay.weixin.qq.com/wiki/doc/apiv3/apis/chapter3_3_5.shtml).
 */
import { createDecipheriv, createHash, createSign, createVerify, randomBytes } from 'node:crypto';
import {
  fenFromYuanText,
  type MerchantIdentity,
  type PaymentOrder,
  type StatementLine,
  type VerifiedNotification,
} from '../../domain/payments/payments.js';
import type {
  ChargeInstructions,
  NotificationRequest,
  NotifyingProvider,
  RefundRequest,
  VerificationResult,
  WebhookAnswer,
} from '../../ports/payments.js';

export interface WechatPayMerchantConfig {
  readonly appId: string;
  readonly mchId: string;
  /** The APIv3 key: 32 ASCII characters. */
  readonly apiV3Key: string;
  /** The platform certificate's (or WeChat Pay public key's) public key, PEM, and its serial. */
  readonly platformPublicKey: string;
  readonly platformSerial: string;
  /** Our merchant API private key (PEM) and its certificate serial, for requests to WeChat Pay. */
  readonly merchantPrivateKey: string;
  readonly merchantSerial: string;
  readonly notifyUrl: string;
  readonly apiBase?: string;
}

/** Accepted distance between a notification's timestamp and now. */
export const WECHAT_TIMESTAMP_WINDOW_S = 300;

export const wechatSignedMessage = (timestamp: string, nonce: string, body: string) =>
  `${timestamp}\n${nonce}\n${body}\n`;

export function decryptWechatResource(
  apiV3Key: string,
  resource: { ciphertext: string; nonce: string; associated_data?: string },
): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(apiV3Key, 'utf8'),
    Buffer.from(resource.nonce, 'utf8'),
  );
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}

interface WechatEvent {
  readonly event_type?: string;
  readonly resource?: { algorithm?: string; ciphertext?: string; nonce?: string; associated_data?: string };
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function readResource(eventType: string, r: Record<string, unknown>): VerifiedNotification | undefined {
  const amount = (r.amount ?? {}) as Record<string, unknown>;
  if (eventType.startsWith('REFUND.')) {
    if (typeof amount.refund !== 'number') return undefined;
    return {
      kind: 'refund',
      channel: 'wechat_pay',
      orderId: str(r.out_trade_no),
      refundId: str(r.out_refund_no),
      amount: amount.refund,
      succeeded: eventType === 'REFUND.SUCCESS' && r.refund_status === 'SUCCESS',
      held: eventType === 'REFUND.ABNORMAL' || r.refund_status === 'ABNORMAL',
      merchantId: str(r.mchid),
    };
  }
  if (typeof amount.total !== 'number') return undefined;
  return {
    kind: 'payment',
    channel: 'wechat_pay',
    orderId: str(r.out_trade_no),
    tradeNo: str(r.transaction_id),
    amount: amount.total,
    currency: str(amount.currency),
    appId: str(r.appid),
    merchantId: str(r.mchid),
    paidAt: str(r.success_time) ? new Date(str(r.success_time)).toISOString() : '',
    succeeded: eventType === 'TRANSACTION.SUCCESS' && r.trade_state === 'SUCCESS',
  };
}

/**
 * A trade bill's CSV: a header row, then one row per trade whose every field starts with a backtick
 * (so spreadsheets keep long numbers), then a summary ("总交易单数,…"). Amounts are yuan.
 */
export function parseWechatTradeBill(csv: string): StatementLine[] {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const column = (name: string) => header.indexOf(name);
  const tradeNo = column('微信订单号');
  const orderId = column('商户订单号');
  const status = column('交易状态');
  const amount = column('订单金额') >= 0 ? column('订单金额') : column('应结订单金额');
  if (tradeNo < 0 || orderId < 0 || amount < 0) throw new Error('WeChat Pay trade bill: unexpected header');
  const out: StatementLine[] = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith('`')) break; // the summary follows the trades
    const fields = line.split(',').map((f) => f.replace(/^`/, '').trim());
    if (status >= 0 && fields[status] !== 'SUCCESS') continue;
    const fen = fenFromYuanText(fields[amount] ?? '');
    if (fen === undefined) throw new Error(`WeChat Pay trade bill: bad amount in ${line}`);
    out.push({ orderId: fields[orderId] ?? '', tradeNo: fields[tradeNo] ?? '', amount: fen });
  }
  return out;
}

/** The notification side of WeChat Pay: the same code in AWS and in the local runtime. */
export class WechatPayNotifications {
  readonly channel = 'wechat_pay' as const;

  constructor(protected readonly config: () => Promise<WechatPayMerchantConfig>) {}

  async merchant(): Promise<MerchantIdentity> {
    const c = await this.config();
    return { appId: c.appId, merchantId: c.mchId };
  }

  async verifyNotification(request: NotificationRequest, now: Date): Promise<VerificationResult> {
    const c = await this.config();
    const h = request.headers;
    const timestamp = h['wechatpay-timestamp'];
    const nonce = h['wechatpay-nonce'];
    const signature = h['wechatpay-signature'];
    const serial = h['wechatpay-serial'];
    if (!timestamp || !nonce || !signature || !serial || !/^\d{1,12}$/.test(timestamp))
      return { ok: false, reason: 'malformed' };
    if (serial !== c.platformSerial) return { ok: false, reason: 'unknown_key' };
    if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > WECHAT_TIMESTAMP_WINDOW_S)
      return { ok: false, reason: 'stale_timestamp' };
    const verifier = createVerify('RSA-SHA256');
    verifier.update(wechatSignedMessage(timestamp, nonce, request.body), 'utf8');
    let valid = false;
    try {
      valid = verifier.verify(c.platformPublicKey, signature, 'base64');
    } catch {
      valid = false;
    }
    if (!valid) return { ok: false, reason: 'bad_signature' };
    let event: WechatEvent;
    try {
      event = JSON.parse(request.body) as WechatEvent;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const resource = event.resource;
    if (resource?.algorithm !== 'AEAD_AES_256_GCM' || !resource.ciphertext || !resource.nonce)
      return { ok: false, reason: 'malformed' };
    let plain: Record<string, unknown>;
    try {
      plain = JSON.parse(
        decryptWechatResource(c.apiV3Key, {
          ciphertext: resource.ciphertext,
          nonce: resource.nonce,
          associated_data: resource.associated_data,
        }),
      ) as Record<string, unknown>;
    } catch {
      return { ok: false, reason: 'undecryptable' };
    }
    const notification = readResource(str(event.event_type), plain);
    return notification ? { ok: true, notification } : { ok: false, reason: 'malformed' };
  }

  answer(accepted: boolean): WebhookAnswer {
    return accepted
      ? { status: 204, contentType: 'application/json; charset=utf-8', body: '' }
      : {
          status: 400,
          contentType: 'application/json; charset=utf-8',
          body: JSON.stringify({ code: 'FAIL', message: '失败' }),
        };
  }
}

/** WeChat Pay in AWS: Native payment (QR content), refunds through /v3/refund/domestic/refunds. */
export class WechatPayProvider extends WechatPayNotifications implements NotifyingProvider {
  constructor(
    config: () => Promise<WechatPayMerchantConfig>,
    /** The clock in force (requests carry a signed timestamp). */
    private readonly now: () => Date,
  ) {
    super(config);
  }

  /** An API v3 request signed as documented: SHA256withRSA over method, path, timestamp, nonce and body. */
  private async call(
    method: 'POST' | 'GET',
    path: string,
    body: unknown,
    now: Date,
  ): Promise<Record<string, unknown>> {
    const c = await this.config();
    const text = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signer = createSign('RSA-SHA256');
    signer.update(`${method}\n${path}\n${timestamp}\n${nonce}\n${text}\n`);
    const signature = signer.sign(c.merchantPrivateKey, 'base64');
    const response = await fetch(`${c.apiBase ?? 'https://api.mch.weixin.qq.com'}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${c.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${c.merchantSerial}"`,
      },
      ...(method === 'POST' ? { body: text } : {}),
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) throw new Error(`WeChat Pay ${path} failed: ${response.status} ${str(answer.code)}`);
    return answer;
  }

  async createCharge(order: PaymentOrder): Promise<ChargeInstructions> {
    const c = await this.config();
    const answer = await this.call(
      'POST',
      '/v3/pay/transactions/native',
      {
        appid: c.appId,
        mchid: c.mchId,
        description: `hotline400 prepaid balance ${order.orderId}`,
        out_trade_no: order.orderId,
        time_expire: order.expiresAt,
        notify_url: c.notifyUrl,
        amount: { total: order.amount, currency: 'CNY' },
      },
      this.now(),
    );
    return { qrCode: str(answer.code_url) };
  }

  async requestRefund(refund: RefundRequest): Promise<'requested' | 'refused'> {
    const c = await this.config();
    const answer = await this.call(
      'POST',
      '/v3/refund/domestic/refunds',
      {
        out_trade_no: refund.orderId,
        out_refund_no: refund.refundId,
        notify_url: c.notifyUrl,
        amount: { refund: refund.amount, total: refund.orderAmount, currency: 'CNY' },
      },
      this.now(),
    );
    // ABNORMAL is not a no: WeChat Pay holds the money until it is handled by hand, then reports the result.
    return answer.status === 'CLOSED' ? 'refused' : 'requested';
  }

  /**
   * The trade bill of a day (https://pay.weixin.qq.com/docs/merchant/apis/native-payment/get-trade-bill.html):
   * GET /v3/bill/tradebill?bill_type=SUCCESS gives a download_url and the file's SHA1; the file, fetched with
   * a signed GET too, is the CSV parseWechatTradeBill reads. Bills of a day exist from 10:00 the next day.
   */
  async statement(day: string): Promise<StatementLine[]> {
    const bill = await this.call(
      'GET',
      `/v3/bill/tradebill?bill_date=${day}&bill_type=SUCCESS`,
      undefined,
      this.now(),
    );
    const url = new URL(str(bill.download_url));
    const file = await this.download(url);
    if (
      str(bill.hash_type) === 'SHA1' &&
      createHash('sha1').update(file).digest('hex') !== str(bill.hash_value).toLowerCase()
    )
      throw new Error(`WeChat Pay trade bill of ${day}: SHA1 mismatch`);
    return parseWechatTradeBill(file.toString('utf8'));
  }

  private async download(url: URL): Promise<Buffer> {
    const c = await this.config();
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256')
      .update(`GET\n${url.pathname}${url.search}\n${timestamp}\n${nonce}\n\n`)
      .sign(c.merchantPrivateKey, 'base64');
    const response = await fetch(url, {
      headers: {
        authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${c.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${c.merchantSerial}"`,
      },
    });
    if (!response.ok) throw new Error(`WeChat Pay bill download failed: ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }
}
