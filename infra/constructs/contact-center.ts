/**
 * Amazon Connect. `ConnectInstance` (stateful stack) either creates the instance, streaming its contact
 * records into the Kinesis stream, or adopts one named by ARN (the operator then points the instance's
 * contact-record streaming at the stream; the stack outputs its ARN). `ConnectWiring` (stateless stack)
 * associates the routing Lambda and the arm-call-limit Lambda with the instance, lets Connect invoke them,
 * and deploys the generic contact flow built by shared/connect/contact-flow.ts.
 */
import { Arn, ArnFormat, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag-acknowledgements.js';

/** The signature of shared/connect/contact-flow.ts's `buildContactFlow` (Connect flow language JSON). */
export type ContactFlowBuilder = (options: {
  routeCallFunctionArn: string;
  armCallLimitFunctionArn?: string;
}) => Record<string, unknown>;

const INSTANCE_ARN = /^arn:aws(-[a-z]+)*:connect:[a-z]{2}(-[a-z]+)+-\d:\d{12}:instance\/[0-9a-f-]{36}$/;
/** Connect instance aliases: letters, digits and single hyphens, not starting with d-, at most 45 chars. */
const INSTANCE_ALIAS = /^(?!d-)[\da-zA-Z]+(-[\da-zA-Z]+)*$/;

export class ConnectPropsError extends Error {
  override readonly name = 'ConnectPropsError';
}

export function checkInstanceArn(arn: string): string {
  if (!INSTANCE_ARN.test(arn)) {
    throw new ConnectPropsError(
      `connectInstanceArn must look like arn:aws:connect:<region>:<account>:instance/<uuid>, got "${arn}"`,
    );
  }
  return arn;
}

export interface ConnectInstanceProps {
  /** Adopt this instance instead of creating one. */
  readonly importedInstanceArn?: string;
  /** Alias of a created instance (it becomes <alias>.my.connect.aws); defaults to hotline400-<account>. */
  readonly instanceAlias?: string;
  /** Receives contact records of a created instance. */
  readonly contactRecords: kinesis.IStream;
}

export class ConnectInstance extends Construct {
  readonly instanceArn: string;
  /** true when this stack created the instance (and wired contact-record streaming itself). */
  readonly managed: boolean;

  constructor(scope: Construct, id: string, props: ConnectInstanceProps) {
    super(scope, id);
    if (props.importedInstanceArn !== undefined) {
      this.instanceArn = checkInstanceArn(props.importedInstanceArn);
      this.managed = false;
      return;
    }
    const alias = props.instanceAlias ?? `hotline400-${Stack.of(this).account}`;
    if (props.instanceAlias !== undefined && (!INSTANCE_ALIAS.test(alias) || alias.length > 45)) {
      throw new ConnectPropsError(
        `connectInstanceAlias must be 1-45 letters, digits and hyphens, got "${alias}"`,
      );
    }
    const instance = new connect.CfnInstance(this, 'Instance', {
      identityManagementType: 'CONNECT_MANAGED',
      instanceAlias: alias,
      attributes: {
        inboundCalls: true,
        outboundCalls: false,
        contactflowLogs: true,
        contactLens: false,
        earlyMedia: true,
      },
    });
    // The instance owns the claimed access numbers: deleting it would release every customer's line.
    instance.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new connect.CfnInstanceStorageConfig(this, 'ContactRecordStreaming', {
      instanceArn: instance.attrArn,
      resourceType: 'CONTACT_TRACE_RECORDS',
      storageType: 'KINESIS_STREAM',
      kinesisStreamConfig: { streamArn: props.contactRecords.streamArn },
    });
    this.instanceArn = instance.attrArn;
    this.managed = true;
  }
}

/**
 * Exactly the Connect actions shared/adapters/connect/connect-telephony.ts calls, one per SDK command (IAM
 * names them after the API, the hours-of-operation overrides included). The adapter passes no Tags, no
 * TargetArn and no outbound caller id, so none of the extra actions those parameters need (TagResource, the
 * traffic distribution group, DescribePhoneNumber/queue outbound settings) is granted. test/infra keeps
 * this list and the adapter's commands equal.
 */
export const TELEPHONY_ACTIONS = [
  'connect:AssociatePhoneNumberContactFlow',
  'connect:AssociateRoutingProfileQueues',
  'connect:ClaimPhoneNumber',
  'connect:CreateHoursOfOperation',
  'connect:CreateHoursOfOperationOverride',
  'connect:CreatePrompt',
  'connect:CreateQueue',
  'connect:CreateRoutingProfile',
  'connect:DeleteHoursOfOperationOverride',
  'connect:DeletePrompt',
  'connect:DescribePhoneNumber',
  'connect:DisassociateRoutingProfileQueues',
  'connect:ListHoursOfOperationOverrides',
  'connect:ListHoursOfOperations',
  'connect:ListPhoneNumbersV2',
  'connect:ListPrompts',
  'connect:ListQueues',
  'connect:ListRoutingProfileQueues',
  'connect:ListRoutingProfiles',
  'connect:ReleasePhoneNumber',
  'connect:SearchAvailablePhoneNumbers',
  'connect:UpdateHoursOfOperation',
  'connect:UpdatePrompt',
  'connect:UpdateQueueHoursOfOperation',
  'connect:UpdateQueueName',
  'connect:UpdateRoutingProfileQueues',
] as const;

/**
 * Which access numbers approvals claim in Connect: deployment context (`cdk deploy -c connectCountry=SG
 * -c connectNumberType=DID -c connectNumberPrefix=+6531`), handed to the telephony functions as
 * CONNECT_COUNTRY, CONNECT_NUMBER_TYPE and CONNECT_NUMBER_PREFIX. Connect sells no +86 numbers: the access
 * number lives in the instance's country and the carrier path from the 400 number reaches it.
 */
export interface AccessNumberSettings {
  /** ISO 3166 alpha-2 code of Connect's PhoneNumberCountryCode. @default 'SG' */
  readonly country: string;
  /** @default 'DID' */
  readonly type: 'DID' | 'TOLL_FREE';
  /** E.164 prefix to search under (Connect's PhoneNumberPrefix pattern \+?[0-9]{1,11}); none by default. */
  readonly prefix?: string;
}

export const DEFAULT_ACCESS_NUMBER_SETTINGS: AccessNumberSettings = { country: 'SG', type: 'DID' };

/** The settings from context values (undefined: the default), or an error naming the bad value. */
export function accessNumberSettings(context: {
  readonly country?: string;
  readonly type?: string;
  readonly prefix?: string;
}): AccessNumberSettings {
  const country = (context.country ?? DEFAULT_ACCESS_NUMBER_SETTINGS.country).toUpperCase();
  if (!/^[A-Z]{2}$/.test(country))
    throw new Error(`connectCountry must be an ISO country code, got "${country}"`);
  const type = context.type ?? DEFAULT_ACCESS_NUMBER_SETTINGS.type;
  if (type !== 'DID' && type !== 'TOLL_FREE')
    throw new Error(`connectNumberType must be DID or TOLL_FREE, got "${type}"`);
  const prefix = context.prefix;
  if (prefix !== undefined && !/^\+?[0-9]{1,11}$/.test(prefix))
    throw new Error(`connectNumberPrefix must be up to 11 digits after an optional +, got "${prefix}"`);
  return { country, type, ...(prefix ? { prefix } : {}) };
}

export interface ConnectWiringProps {
  readonly instanceArn: string;
  /** The routing Lambda invoked by the contact flow. */
  readonly routeCall?: lambda.IFunction;
  /** Invoked by the flow before it connects a call, to arm the stop at the call's limit. */
  readonly armCallLimit?: lambda.IFunction;
  /** Without it (module not written yet) no flow is deployed. */
  readonly buildContactFlow?: ContactFlowBuilder;
}

export class ConnectWiring extends Construct {
  readonly instanceArn: string;
  readonly contactFlowId?: string;
  readonly contactFlowArn?: string;

  constructor(scope: Construct, id: string, props: ConnectWiringProps) {
    super(scope, id);
    this.instanceArn = props.instanceArn;
    if (!props.routeCall) return;
    const stack = Stack.of(this);
    const sourceAccount = Fn.select(4, Fn.split(':', props.instanceArn));
    // addPermission with a fixed id rather than grantInvoke: grantInvoke names the permission after a hash
    // of the principal, whose tokens would rename (replace) it whenever the app changes shape.
    const associate = (fn: lambda.IFunction, associationId: string) => {
      fn.addPermission('ConnectInvoke', {
        principal: new iam.ServicePrincipal('connect.amazonaws.com'),
        action: 'lambda:InvokeFunction',
        sourceAccount,
        sourceArn: props.instanceArn,
      });
      return new connect.CfnIntegrationAssociation(this, associationId, {
        instanceId: props.instanceArn,
        integrationType: 'LAMBDA_FUNCTION',
        integrationArn: fn.functionArn,
      });
    };
    const associations = [associate(props.routeCall, 'RouteCallAssociation')];
    if (props.armCallLimit) associations.push(associate(props.armCallLimit, 'ArmCallLimitAssociation'));
    if (!props.buildContactFlow) return;
    const content = props.buildContactFlow({
      routeCallFunctionArn: props.routeCall.functionArn,
      ...(props.armCallLimit ? { armCallLimitFunctionArn: props.armCallLimit.functionArn } : {}),
    });
    const flow = new connect.CfnContactFlow(this, 'GenericFlow', {
      instanceArn: props.instanceArn,
      name: `hotline400-generic-${stack.stackName}`.slice(0, 127),
      description: 'Asks the routing Lambda what to do with each call (hours, IVR, hunt group, recording)',
      type: 'CONTACT_FLOW',
      state: 'ACTIVE',
      content: stack.toJsonString(content),
    });
    // A flow may only invoke Lambdas already associated with the instance.
    for (const association of associations) flow.addResourceDependency(association);
    this.contactFlowArn = flow.attrContactFlowArn;
    // arn:...:instance/<instance-id>/contact-flow/<flow-id>
    this.contactFlowId = Fn.select(3, Fn.split('/', flow.attrContactFlowArn));
  }

  /** Grants StopContact on this instance's contacts (stop-contact ends calls that reached their limit). */
  grantStopContact(grantee: iam.IGrantable & Construct): iam.Grant {
    const contacts = `${this.instanceArn}/contact/*`;
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['connect:StopContact'],
      resourceArns: [contacts],
    });
    acknowledgeWildcardResource(
      grantee,
      contacts,
      "Stops calls that reached their paid limit: contact ids are only known at runtime; scoped to this instance's contacts",
    );
    return grant;
  }

  /** Grants the Connect actions of the telephony port on this instance and the account's phone numbers. */
  grantTelephony(grantee: iam.IGrantable & Construct): iam.Grant {
    const stack = Stack.of(this);
    const parts = Arn.split(this.instanceArn, ArnFormat.SLASH_RESOURCE_NAME);
    const phoneNumbers = stack.formatArn({
      service: 'connect',
      resource: 'phone-number',
      resourceName: '*',
      region: parts.region,
      account: parts.account,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: [...TELEPHONY_ACTIONS],
      resourceArns: [this.instanceArn, `${this.instanceArn}/*`, phoneNumbers],
    });
    const reason =
      "Connect sub-resources (flows, queues, hours and their overrides, routing profiles, claimed phone numbers) are created at runtime; scoped to this instance and this account's phone numbers";
    acknowledgeWildcardResource(grantee, `${this.instanceArn}/*`, reason);
    acknowledgeWildcardResource(grantee, phoneNumbers, reason);
    return grant;
  }
}
