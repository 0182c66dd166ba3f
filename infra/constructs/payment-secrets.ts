/**
 * The merchant keys of the payment providers (Alipay app key and Alipay public key, WeChat Pay APIv3 key,
 * platform public key and merchant key, our bank account) in one Secrets Manager secret under the data key:
 * never in the repository nor in plain environment variables. The stack creates it empty; operators put the
 * JSON in (shared/adapters/payments/merchant-secrets.ts names its shape). Functions get its ARN only.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface PaymentSecretsProps {
  readonly encryptionKey: kms.IKey;
}

export class PaymentSecrets extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: PaymentSecretsProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'MerchantKeys', {
      description:
        'hotline400 payment providers: {"alipay":{...},"wechatPay":{...},"bank":{...}} (see merchant-secrets.ts)',
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'merchant keys are issued by Alipay and WeChat Pay and rotated in their merchant consoles; a Lambda cannot rotate them',
    });
  }
}
