import { readFileSync } from 'node:fs';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { DIRECTORY_ACTIONS } from '../../infra/constructs/user-directory.js';
import { routeById } from '../../shared/http/routes.js';
import { buildTestApp } from './support/hotline-app.js';
import {
  actionsOf,
  functionProperties,
  resources,
  statementsOf,
  statementsOn,
} from './support/template-queries.js';

const routes = ['listMembers', 'inviteMember', 'removeMember', 'listAuditEvents'].map(routeById);
const built = buildTestApp({ routes });
const fn = (id: string) => built.stateless.functions.get(id) ?? expect.fail(`no function ${id}`);
const auditId = built.stateful.getLogicalId(built.stateful.tables.audit.node.defaultChild as CfnTable);

describe('the audit table', () => {
  it('is encrypted with the customer-managed key (it holds e-mails) and kept on stack deletion', () => {
    const [, table] =
      resources(built.statefulTemplate, 'AWS::DynamoDB::Table').find(([id]) => id === auditId) ?? [];
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(table?.Properties?.SSESpecification)).toContain('KMS');
  });

  it('API writes may only PutItem on it; reads of the trail only read it; other reads get nothing', () => {
    for (const id of ['inviteMember', 'removeMember']) {
      expect(statementsOn(statementsOf(built, fn(id)), auditId).flatMap(actionsOf), id).toEqual([
        'dynamodb:PutItem',
      ]);
      expect(functionProperties(built, fn(id)).Environment.Variables).toHaveProperty('TABLE_AUDIT');
    }
    expect(statementsOn(statementsOf(built, fn('listMembers')), auditId)).toEqual([]);
    const reader = statementsOn(statementsOf(built, fn('listAuditEvents')), auditId).flatMap(actionsOf);
    expect(reader).toContain('dynamodb:Query');
    expect(reader.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
  });
});

describe('members in Cognito', () => {
  it('grants the member routes exactly the calls the adapter sends, on the pool, and no other route any', () => {
    const source = readFileSync('shared/adapters/cognito/cognito-directory.ts', 'utf8');
    const sent = [...source.matchAll(/new (\w+)Command\(/g)].map((m) => `cognito-idp:${m[1]}`);
    expect([...new Set(sent)].sort()).toEqual([...DIRECTORY_ACTIONS].sort());
    for (const id of ['inviteMember', 'removeMember']) {
      const cognito = statementsOf(built, fn(id)).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('cognito-idp:')),
      );
      expect(cognito.flatMap(actionsOf).sort(), id).toEqual([...DIRECTORY_ACTIONS].sort());
      // The pool's ARN, handed to the nested stack as a parameter (`referenceto…AuthUsers…Arn`); never `*`.
      expect(cognito.map((s) => JSON.stringify(s.Resource))).toEqual([
        expect.stringMatching(/AuthUsers\w*Arn/),
      ]);
      expect(functionProperties(built, fn(id)).Environment.Variables).toHaveProperty('USER_POOL_ID');
    }
    for (const id of ['listMembers', 'listAuditEvents'])
      expect(
        statementsOf(built, fn(id))
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('cognito-idp:')),
        id,
      ).toEqual([]);
  });

  it('keeps ID and access tokens to 15 minutes, so a removed member acts at most that long', () => {
    const [[, client] = []] = resources(built.statelessTemplate, 'AWS::Cognito::UserPoolClient');
    expect(client?.Properties).toMatchObject({
      IdTokenValidity: 15,
      AccessTokenValidity: 15,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes' },
      EnableTokenRevocation: true,
    });
  });
});
