/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy --all`). Environment-agnostic, no lookups: synthesizes
 * offline without credentials or Docker. Context:
 *   -c connectInstanceArn=arn:aws:connect:...:instance/...   adopt an existing Connect instance
 *   -c connectInstanceAlias=my-hotline                       alias of the instance the stack creates
 *   -c alarmEmail=ops@example.com                            subscribe an address to the alarms topic
 *   -c connectCountry=SG                                     country of the access numbers approvals claim
 *   -c connectNumberType=DID                                 DID or TOLL_FREE
 *   -c connectNumberPrefix=+6531                             E.164 prefix to search under (default: none)
 *   -c recordingRetentionDays=730                            days call recordings are kept (default 2 years)
 * cdk-nag's AwsSolutions checks run at synth; an unacknowledged finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { accessNumberSettings } from './constructs/contact-center.js';
import { recordingRetentionDays } from './constructs/recordings-bucket.js';
import { buildHotlineApp, loadContactFlowBuilder } from './stacks/hotline-app.js';

const app = new App();
const context = (name: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

buildHotlineApp(app, {
  stateful: {
    connectInstanceArn: context('connectInstanceArn'),
    connectInstanceAlias: context('connectInstanceAlias'),
    alarmEmail: context('alarmEmail'),
    recordingRetentionDays: recordingRetentionDays(context('recordingRetentionDays')),
  },
  stateless: {
    buildContactFlow: await loadContactFlowBuilder(),
    accessNumbers: accessNumberSettings({
      country: context('connectCountry'),
      type: context('connectNumberType'),
      prefix: context('connectNumberPrefix'),
    }),
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
