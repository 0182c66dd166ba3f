/**
 * Runs synthesis with the cdk-nag plugin registered and returns every unacknowledged finding: rule id
 * (with its finding, e.g. AwsSolutions-IAM5[Resource::*]), severity and construct path. CDK writes the
 * validation report into the cloud assembly whether or not synthesis fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';

export interface NagFinding {
  readonly rule: string;
  readonly severity: string;
  readonly paths: readonly string[];
}

interface Report {
  readonly pluginReports?: readonly {
    readonly pluginName?: string;
    readonly violations?: readonly {
      readonly ruleName: string;
      readonly severity?: string;
      readonly violatingConstructs?: readonly { readonly constructPath?: string }[];
      readonly violatingResources?: readonly {
        readonly constructPath?: string;
        readonly resourceLogicalId?: string;
      }[];
    }[];
  }[];
}

export function nagFindings(app: App): NagFinding[] {
  let reportPath: string;
  try {
    reportPath = join(app.synth().directory, 'validation-report.json');
  } catch (error) {
    const match = /A copy of this report can be found in: (\S+validation-report\.json)/.exec(
      String((error as Error).message),
    );
    if (!match?.[1]) throw error;
    reportPath = match[1];
  }
  if (!existsSync(reportPath)) return [];
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  return (report.pluginReports ?? []).flatMap((plugin) =>
    (plugin.violations ?? []).map((violation) => ({
      rule: violation.ruleName,
      severity: violation.severity ?? 'unknown',
      paths: [...(violation.violatingConstructs ?? []), ...(violation.violatingResources ?? [])].map(
        (c) => c.constructPath ?? ('resourceLogicalId' in c ? String(c.resourceLogicalId) : '?'),
      ),
    })),
  );
}
