/**
 * cdk-nag acknowledgements for IAM5 (wildcard) findings that our own grants create on purpose. A finding's
 * id names the flattened resource, e.g. `Resource::<NumbersTable.Arn>/index/*`, and a resource from the
 * other stack only gets its final form (Fn::GetStackOutput) once CDK resolves cross-stack references,
 * after construction. So the resource acknowledgement is computed in a construct validation, which CDK runs
 * after resolving references and before the validation plugins, exactly as cdk-nag flattens it. Only the
 * wildcard we granted is acknowledged; any other wildcard still fails the checks.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { Construct } from 'constructs';

/** Acknowledges the wildcard resource `resource` (a string that may hold tokens) granted within `scope`. */
export function acknowledgeWildcardResource(scope: Construct, resource: string, reason: string): void {
  scope.node.addValidation({
    validate: () => {
      const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
      Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
      return [];
    },
  });
}

/** Acknowledges wildcard actions granted within `scope` (CDK's grant methods use them, e.g. kms:ReEncrypt*). */
export function acknowledgeWildcardActions(
  scope: Construct,
  actions: readonly string[],
  reason: string,
): void {
  for (const action of actions) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason });
  }
}

/** The wildcard actions of CDK's KMS grants (`grantEncryptDecrypt` and friends). */
export const KMS_GRANT_WILDCARDS = ['kms:ReEncrypt*', 'kms:GenerateDataKey*'] as const;
