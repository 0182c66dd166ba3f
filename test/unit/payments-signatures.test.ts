/**
 * Notification signatures, checked with keys generated here (the local provider's, and a stranger's):
 * Alipay through the official alipay-sdk, WeChat Pay API v3 through its documented scheme on node:crypto.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AlipayNotifications, parseAlipayTradeBill, unzip } from '../../shared/adapters/payments/alipay.js';
import {
  alipaySign,
  LocalPaymentProviders,
  wechatEncrypt,
} from '../../shared/adapters/payments/local-provider.js';
import {
  parseWechatTradeBill,
  WechatPayNotifications,
  wechatSignedMessage,
} from '../../shared/adapters/payments/wechat-pay.js';
import type { PaymentOrder } from '../../shared/domain/payments/payments.js';

const NOW = new Date('2027-03-01T04:00:00.000Z');
const local = new LocalPaymentProviders();
const stranger = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const order = (channel: PaymentOrder['channel']): PaymentOrder => ({
  orderId: 'P0123456789abcdef01234567',
  tenantId: 't1',
  channel,
  amount: 12_345,
  currency: 'CNY',
  status: 'created',
  createdAt: '2027-03-01T03:55:00.000Z',
  expiresAt: '2027-03-01T05:55:00.000Z',
  createdBy: 'u1',
  idempotencyKey: 'key-00000001',
  refunded: 0,
  refundPending: 0,
  version: 0,
});

const alipay = new AlipayNotifications(async () => local.alipayConfig);
const wechat = new WechatPayNotifications(async () => local.wechatConfig);

function formWith(body: string, change: Record<string, string>): string {
  const fields = new URLSearchParams(body);
  for (const [k, v] of Object.entries(change)) fields.set(k, v);
  return fields.toString();
}

describe('Alipay notifications (alipay-sdk checkNotifySignV2, RSA2)', () => {
  it('accepts a notification signed with Alipay’s key and reads it in fen', async () => {
    const { request, tradeNo } = local.paymentNotification(order('alipay'), { at: NOW });
    const result = await alipay.verifyNotification(request, NOW);
    expect(result).toEqual({
      ok: true,
      notification: {
        kind: 'payment',
        channel: 'alipay',
        orderId: 'P0123456789abcdef01234567',
        tradeNo,
        amount: 12_345,
        currency: 'CNY',
        appId: local.alipayConfig.appId,
        merchantId: local.alipayConfig.sellerId,
        paidAt: NOW.toISOString(),
        succeeded: true,
      },
    });
  });

  it('refuses a tampered amount, a stranger’s signature and a missing signature', async () => {
    const { request } = local.paymentNotification(order('alipay'), { at: NOW });
    const tampered = { ...request, body: formWith(request.body, { total_amount: '99999.00' }) };
    expect(await alipay.verifyNotification(tampered, NOW)).toEqual({ ok: false, reason: 'bad_signature' });

    const fields = Object.fromEntries(new URLSearchParams(request.body));
    fields.sign = alipaySign(fields, stranger.privateKey);
    const forged = { ...request, body: new URLSearchParams(fields).toString() };
    expect(await alipay.verifyNotification(forged, NOW)).toEqual({ ok: false, reason: 'bad_signature' });

    const unsigned = new URLSearchParams(request.body);
    unsigned.delete('sign');
    expect(await alipay.verifyNotification({ ...request, body: unsigned.toString() }, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('answers "success" or "fail" as Alipay documents', () => {
    expect(alipay.answer(true).body).toBe('success');
    expect(alipay.answer(false).body).toBe('fail');
  });
});

describe('WeChat Pay API v3 notifications (SHA256withRSA, AEAD_AES_256_GCM)', () => {
  it('accepts a signed, fresh notification and decrypts its resource', async () => {
    const { request, tradeNo } = local.paymentNotification(order('wechat_pay'), { at: NOW });
    const result = await wechat.verifyNotification(request, new Date(NOW.getTime() + 60_000));
    expect(result).toEqual({
      ok: true,
      notification: {
        kind: 'payment',
        channel: 'wechat_pay',
        orderId: 'P0123456789abcdef01234567',
        tradeNo,
        amount: 12_345,
        currency: 'CNY',
        appId: local.wechatConfig.appId,
        merchantId: local.wechatConfig.mchId,
        paidAt: NOW.toISOString(),
        succeeded: true,
      },
    });
  });

  it('refuses a changed body, a stale timestamp, an unknown serial and a stranger’s signature', async () => {
    const { request } = local.paymentNotification(order('wechat_pay'), { at: NOW });
    const changed = { ...request, body: request.body.replace('TRANSACTION.SUCCESS', 'TRANSACTION.SUCCES5') };
    expect(await wechat.verifyNotification(changed, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await wechat.verifyNotification(request, new Date(NOW.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    const otherSerial = { ...request, headers: { ...request.headers, 'wechatpay-serial': 'ABC' } };
    expect(await wechat.verifyNotification(otherSerial, NOW)).toEqual({ ok: false, reason: 'unknown_key' });
    const h = request.headers;
    const forgedSignature = createSign('RSA-SHA256')
      .update(wechatSignedMessage(h['wechatpay-timestamp'] ?? '', h['wechatpay-nonce'] ?? '', request.body))
      .sign(stranger.privateKey, 'base64');
    const forged = { ...request, headers: { ...h, 'wechatpay-signature': forgedSignature } };
    expect(await wechat.verifyNotification(forged, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a resource not encrypted with our APIv3 key even when the signature holds', async () => {
    const nonce = 'abcdefabcdef';
    const body = JSON.stringify({
      event_type: 'TRANSACTION.SUCCESS',
      resource: {
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: wechatEncrypt('0'.repeat(32), '{"amount":{"total":1}}', nonce, 'transaction'),
        associated_data: 'transaction',
        nonce,
      },
    });
    const timestamp = String(NOW.getTime() / 1000);
    const signature = createSign('RSA-SHA256')
      .update(wechatSignedMessage(timestamp, 'n1', body))
      .sign(local.wechatPlatform.privateKey, 'base64');
    const request = {
      headers: {
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': 'n1',
        'wechatpay-signature': signature,
        'wechatpay-serial': local.wechatConfig.platformSerial,
      },
      body,
    };
    expect(await wechat.verifyNotification(request, NOW)).toEqual({ ok: false, reason: 'undecryptable' });
  });

  it('answers 204 without body, or a 4XX with {"code":"FAIL"}', () => {
    expect(wechat.answer(true)).toMatchObject({ status: 204, body: '' });
    const failure = wechat.answer(false);
    expect(failure.status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(failure.body)).toEqual({ code: 'FAIL', message: '失败' });
  });
});

describe('WeChat Pay trade bill', () => {
  it('reads the trades of a bill and stops at its summary', () => {
    const csv = [
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
      '`2027-03-01 12:00:01,`wx0000000000000400,`1900000400,`0,`,`4200000400202703010000000001,`P000000000000000000000001,`oUser,`NATIVE,`SUCCESS,`OTHERS,`CNY,`123.45,`0.00,`0,`0,`0.00,`0.00,`,`,`hotline400,`,`0.74000,`0.60%,`123.45,`0.00,`',
      '`2027-03-01 12:05:00,`wx0000000000000400,`1900000400,`0,`,`4200000400202703010000000002,`P000000000000000000000002,`oUser,`NATIVE,`REFUND,`OTHERS,`CNY,`10.00,`0.00,`0,`0,`0.00,`0.00,`,`,`hotline400,`,`0.06000,`0.60%,`10.00,`0.00,`',
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      '`2,`133.45,`0.00,`0.00,`0.80000,`133.45,`0.00',
    ].join('\r\n');
    expect(parseWechatTradeBill(csv)).toEqual([
      { orderId: 'P000000000000000000000001', tradeNo: '4200000400202703010000000001', amount: 12_345 },
    ]);
  });
});

/** A zip as Alipay's bill download is one: entries with their local headers, a central directory, its end. */
function zipOf(entries: readonly { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('Alipay trade bill', () => {
  const detail = [
    '#支付宝业务明细查询',
    '#账号：[20880004000000400]',
    '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注',
    '2027030122001400000000001 ,P000000000000000000000001 ,交易 ,hotline400 ,2027-03-01 12:00:00,2027-03-01 12:00:05, , , , ,buyer ,88.80,88.80,0.00,0.00,0.00,0.00,0.00, ,0.00,0.00, ,-0.53,0.00, ',
    '2027030122001400000000001 ,P000000000000000000000001 ,退款 ,hotline400 ,2027-03-01 12:00:00,2027-03-01 13:00:00, , , , ,buyer ,-8.80,-8.80,0.00,0.00,0.00,0.00,0.00, ,0.00,0.00,R1 ,0.05,0.00, ',
    '#-----------------------------------------业务明细列表结束------------------------------------',
  ].join('\r\n');

  it('reads the trades (not the refunds) of the detail file', () => {
    expect(parseAlipayTradeBill(detail)).toEqual([
      { orderId: 'P000000000000000000000001', tradeNo: '2027030122001400000000001', amount: 8_880 },
    ]);
  });

  it('unzips stored and deflated entries by their central directory', () => {
    const zip = zipOf([
      { name: '20880004000000400_20270301_业务明细(汇总).csv', data: Buffer.from('summary'), deflate: false },
      { name: '20880004000000400_20270301_业务明细.csv', data: Buffer.from(detail), deflate: true },
    ]);
    const files = unzip(zip);
    expect([...files.keys()]).toEqual([
      '20880004000000400_20270301_业务明细(汇总).csv',
      '20880004000000400_20270301_业务明细.csv',
    ]);
    expect(files.get('20880004000000400_20270301_业务明细.csv')?.toString('utf8')).toBe(detail);
    expect(files.get('20880004000000400_20270301_业务明细(汇总).csv')?.toString('utf8')).toBe('summary');
  });

  it('decodes GBK, as Alipay writes its bills', () => {
    expect(new TextDecoder('gbk').decode(Buffer.from([0xd6, 0xa7, 0xb8, 0xb6, 0xb1, 0xa6]))).toBe('支付宝');
  });
});
