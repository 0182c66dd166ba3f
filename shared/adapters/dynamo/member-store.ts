/**
 * The members index of record, in the ledger table beside the tenant's account data (personal data: the
 * table is KMS-encrypted): `MEMBERS#<tenant>` / `MEMBER#<sub>` per member and `MEMBERS#<tenant>` / `HEAD`
 * counting its active tenant-admins. Every change of an admin's count is one transaction with the member,
 * guarded by `admins > 1` on the way down, so two admins demoting each other at once leave one admin.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { conflict, notFound } from '../../domain/errors.js';
import { lastAdmin, type Member, type MemberRole } from '../../domain/members/member.js';
import type { MemberStore } from '../../ports/members.js';
import type { Page } from '../../ports/paging.js';
import { cancellationReasons, dynamo, isConditionFailure } from './client.js';
import { queryPage } from './paging.js';

const partition = (tenantId: string) => `MEMBERS#${tenantId}`;
const memberKey = (tenantId: string, memberId: string) => ({
  pk: partition(tenantId),
  sk: `MEMBER#${memberId}`,
});
const headKey = (tenantId: string) => ({ pk: partition(tenantId), sk: 'HEAD' });

function toMember(item: Record<string, unknown>): Member {
  const { pk: _pk, sk: _sk, type: _type, ...member } = item;
  return member as unknown as Member;
}

export class DynamoMemberStore implements MemberStore {
  async get(tenantId: string, memberId: string): Promise<Member | undefined> {
    const out = await dynamo().send(
      new GetCommand({
        TableName: tableName('ledger'),
        Key: memberKey(tenantId, memberId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toMember(out.Item) : undefined;
  }

  async list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<Member>> {
    const out = await queryPage(
      {
        TableName: tableName('ledger'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
        ExpressionAttributeValues: { ':pk': partition(tenantId), ':member': 'MEMBER#' },
      },
      { partitionKey: 'pk', partition: partition(tenantId), limit: page.limit, cursor: page.cursor },
    );
    return { items: out.items.map(toMember), ...(out.nextCursor ? { nextCursor: out.nextCursor } : {}) };
  }

  async add(member: Member): Promise<boolean> {
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName('ledger'),
                Item: { ...memberKey(member.tenantId, member.memberId), type: 'member', ...member },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            this.countAdmins(member.tenantId, member.role === 'tenant-admin' ? 1 : 0),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async changeRole(tenantId: string, memberId: string, role: MemberRole): Promise<Member> {
    const current = await this.get(tenantId, memberId);
    if (current?.status !== 'active') throw memberNotFound();
    if (current.role === role) return current;
    await this.transition(tenantId, current, role === 'tenant-admin' ? 1 : -1, {
      UpdateExpression: 'SET #role = :role',
      ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
      ExpressionAttributeValues: { ':role': role, ':was': current.role, ':active': 'active' },
      ConditionExpression: '#role = :was AND #status = :active',
    });
    return { ...current, role };
  }

  async markRemoving(tenantId: string, memberId: string, at: string): Promise<Member> {
    const current = await this.get(tenantId, memberId);
    if (!current || current.status === 'removed') throw memberNotFound();
    if (current.status === 'removing') return current;
    await this.transition(tenantId, current, current.role === 'tenant-admin' ? -1 : 0, {
      UpdateExpression: 'SET #status = :removing, removedAt = :at',
      ExpressionAttributeNames: { '#status': 'status', '#role': 'role' },
      ExpressionAttributeValues: {
        ':removing': 'removing',
        ':at': at,
        ':active': 'active',
        ':was': current.role,
      },
      ConditionExpression: '#status = :active AND #role = :was',
    });
    return { ...current, status: 'removing', removedAt: at };
  }

  async markRemoved(tenantId: string, memberId: string): Promise<Member> {
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName('ledger'),
          Key: memberKey(tenantId, memberId),
          UpdateExpression: 'SET #status = :removed',
          ConditionExpression: '#status IN (:removing, :removed)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':removed': 'removed', ':removing': 'removing' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw memberNotFound();
      throw error;
    }
    const member = await this.get(tenantId, memberId);
    if (!member) throw memberNotFound();
    return member;
  }

  /** The member's update with the admin count's, in one transaction; the count never goes below one. */
  private async transition(
    tenantId: string,
    current: Member,
    adminDelta: number,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<void> {
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName('ledger'),
                Key: memberKey(tenantId, current.memberId),
                ...update,
              },
            },
            this.countAdmins(tenantId, adminDelta),
          ],
        }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[1] === 'ConditionalCheckFailed') throw lastAdmin();
      // The member changed meanwhile (a concurrent request): the caller reads again if it retries.
      throw memberChanged();
    }
  }

  private countAdmins(tenantId: string, delta: number) {
    const base = { TableName: tableName('ledger'), Key: headKey(tenantId) };
    if (delta >= 0) {
      return {
        Update: {
          ...base,
          UpdateExpression: 'SET #type = :type ADD admins :delta',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':delta': delta, ':type': 'members-head' },
        },
      };
    }
    return {
      Update: {
        ...base,
        UpdateExpression: 'ADD admins :delta',
        ConditionExpression: 'admins > :one',
        ExpressionAttributeValues: { ':delta': delta, ':one': 1 },
      },
    };
  }
}

const memberNotFound = () => notFound('member_not_found', 'no such member in this tenant');
const memberChanged = () => conflict('member_changed', 'the member changed meanwhile; read it again');
