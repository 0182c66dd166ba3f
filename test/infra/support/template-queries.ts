/** Small readers over synthesized templates, so the infra tests say what they check. */
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { HotlineFunction } from '../../../infra/constructs/hotline-function.js';

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

export function resources(template: Template, type: string): [string, Resource][] {
  const all = template.toJSON().Resources as Record<string, Resource>;
  return Object.entries(all).filter(([, r]) => r.Type === type);
}

/** Resources of a type across several templates (the stateless stack and its nested stacks). */
export function resourcesIn(templates: readonly Template[], type: string): [string, Resource][] {
  return templates.flatMap((template) => resources(template, type));
}

interface Locator {
  templateOf(construct: IConstruct): Template;
  logicalIdOf(construct: IConstruct): string;
}

export function functionProperties(app: Locator, fn: HotlineFunction): Record<string, any> {
  return app.templateOf(fn.function).toJSON().Resources[app.logicalIdOf(fn.function)].Properties;
}

/** Every IAM statement attached to the function's execution role. */
export function statementsOf(app: Locator, fn: HotlineFunction): Statement[] {
  const roleId = functionProperties(app, fn).Role['Fn::GetAtt'][0] as string;
  return resources(app.templateOf(fn.function), 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap(([, policy]) => policyStatements(policy));
}

/** The statements of an AWS::IAM::Policy resource. */
export function policyStatements(policy: Resource): Statement[] {
  return (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [];
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Statements whose resources mention the logical id (directly or through a cross-stack output). */
export function statementsOn(statements: readonly Statement[], resourceLogicalId: string): Statement[] {
  return statements.filter((s) => JSON.stringify(s.Resource).includes(resourceLogicalId));
}

/** Schedules that invoke a job's Lambda (not the universal-target schedules, e.g. the billing deadline marker). */
export function jobSchedulesIn(templates: readonly Template[]): [string, Resource][] {
  return resourcesIn(templates, 'AWS::Scheduler::Schedule').filter(
    ([, s]) => !JSON.stringify((s.Properties?.Target as { Arn?: unknown })?.Arn).includes('aws-sdk:'),
  );
}
