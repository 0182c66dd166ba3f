/**
 * Merchant keys come from one Secrets Manager secret (its id in PAYMENTS_SECRET_ID, never the keys in the
 * environment), read on first use and kept for a few minutes so a rotation reaches warm functions.
 * Its JSON: { "alipay": AlipayMerchantConfig, "wechatPay": WechatPayMerchantConfig, "bank": BankAccountConfig }.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { requireEnv } from '../../config.js';
import { PAYMENTS_SECRET_ENV } from '../../ports/payments.js';
import { tracer } from '../../tracing.js';
import type { AlipayMerchantConfig } from './alipay.js';
import type { BankAccountConfig } from './bank-transfer.js';
import type { WechatPayMerchantConfig } from './wechat-pay.js';

export interface MerchantSecrets {
  readonly alipay: AlipayMerchantConfig;
  readonly wechatPay: WechatPayMerchantConfig;
  readonly bank: BankAccountConfig;
}

const CACHE_MS = 5 * 60_000;

let client: SecretsManagerClient | undefined;
let cached: { readonly value: Promise<MerchantSecrets>; readonly at: number } | undefined;

/** `elapsed` measures the cache's age (performance.now, not the business clock). */
export function merchantSecrets(elapsed: () => number = () => performance.now()): Promise<MerchantSecrets> {
  if (cached && elapsed() - cached.at < CACHE_MS) return cached.value;
  client ??= tracer.captureAWSv3Client(new SecretsManagerClient({}));
  const secretId = requireEnv(PAYMENTS_SECRET_ENV);
  const value = client
    .send(new GetSecretValueCommand({ SecretId: secretId }))
    .then((out) => JSON.parse(out.SecretString ?? '{}') as MerchantSecrets);
  cached = { value, at: elapsed() };
  value.catch(() => {
    cached = undefined;
  });
  return value;
}
