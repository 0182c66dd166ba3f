/**
 * Moved in issue 12: remove after the merge. Plain items ⇄ AttributeValues are @aws-sdk/util-dynamodb's
 * (`marshall`/`unmarshall`); this shim only keeps route-call's reader (./item-reads.ts) compiling until
 * its rewrite lands.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

export type Attributes = Record<string, AttributeValue>;
export const toAttributes = (item: Readonly<Record<string, unknown>>): Attributes =>
  marshall(item, { removeUndefinedValues: true, convertEmptyValues: false }) as Attributes;
export const fromAttributes = (item: Readonly<Attributes>): Record<string, unknown> => unmarshall(item);
