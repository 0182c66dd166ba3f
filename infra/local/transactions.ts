/**
 * The local DynamoDB front: one HTTP endpoint on 127.0.0.1 speaking the DynamoDB JSON 1.0 wire protocol.
 * Every operation dynalite knows is handed to dynalite's own validations and actions, in this process (no
 * second HTTP hop); TransactWriteItems and TransactGetItems, which dynalite lacks, are executed here on the
 * same dynalite store, following AWS's documented behaviour:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
 *
 * Isolation: one lock with two modes. A TransactWriteItems or TransactGetItems holds it exclusively; every
 * single-item and batch read or write (GetItem, BatchGetItem, PutItem, UpdateItem, DeleteItem,
 * BatchWriteItem) holds it shared, so those run alongside each other (dynalite locks each item) but never
 * while a transaction is half applied. Query and Scan take no lock: in AWS they are only read-committed
 * per item and may observe part of a transaction ("Isolation levels for DynamoDB transactions" in the
 * transaction-apis guide above: Query and Scan are not serializable with transactions).
 *
 * Atomicity: under the exclusive lock the transaction snapshots its items, checks every condition, applies
 * the writes, and on any failure puts every snapshot back. The store is in memory (or a local LevelDB), so
 * the only partial-failure window is a crash mid-apply, which a local engine may accept.
 *
 * This relies on dynalite's internal modules (db, validations, actions), pinned at dynalite 4.0.0.
 */
import { hash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

// ---------------------------------------------------------------------------------------------------
// dynalite internals (CommonJS), typed just enough for what this file uses.

type AttributeValue = Record<string, unknown>;
type AttributeMap = Record<string, AttributeValue>;
type Json = Record<string, unknown>;

interface DynaliteError extends Error {
  statusCode?: number;
  body?: Json;
}

type Callback<T> = (error: DynaliteError | null | undefined, result?: T) => void;

interface DynaliteTable {
  readonly TableName: string;
  readonly KeySchema: readonly { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
}

interface DynaliteStore {
  readonly options: { readonly maxItemSize: number };
  getTable(name: string, callback: Callback<DynaliteTable>): void;
  getItemDb(name: string): { get(key: string, callback: Callback<AttributeMap | undefined>): void };
  readonly lifecycleManager: { gracefulClose(callback: (error?: Error | null) => void): void };
}

interface DynaliteDb {
  create(options: Json): DynaliteStore;
  createKey(item: AttributeMap, table: DynaliteTable): string;
  validateItem(item: AttributeMap, table: DynaliteTable): DynaliteError | null | undefined;
  validateKey(key: AttributeMap, table: DynaliteTable): DynaliteError | null | undefined;
  validateUpdates(
    attributeUpdates: unknown,
    expressionUpdates: unknown,
    table: DynaliteTable,
  ): DynaliteError | null | undefined;
  checkConditional(data: Json, existing: AttributeMap | undefined): DynaliteError | null | undefined;
  itemSize(item: AttributeMap): number;
}

interface DynaliteValidations {
  checkTypes(data: Json, types: unknown): Json;
  checkValidations(data: Json, types: unknown, custom: unknown, store: DynaliteStore): void;
}

interface OperationModules {
  readonly validation: { readonly types: unknown; readonly custom?: unknown };
  readonly action: (store: DynaliteStore, data: Json, callback: Callback<Json>) => void;
}

const requireCjs = createRequire(import.meta.url);
const dynaliteDb = requireCjs('dynalite/db/index.js') as DynaliteDb;
const dynaliteValidations = requireCjs('dynalite/validations/index.js') as DynaliteValidations;

/** The operations dynalite implements (its index.js list). */
const DYNALITE_OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;
type DynaliteOperation = (typeof DYNALITE_OPERATIONS)[number];

const MODULES = new Map<string, OperationModules>(
  DYNALITE_OPERATIONS.map((operation) => {
    const file = operation.charAt(0).toLowerCase() + operation.slice(1);
    return [
      operation,
      {
        validation: requireCjs(`dynalite/validations/${file}.js`) as OperationModules['validation'],
        action: requireCjs(`dynalite/actions/${file}.js`) as OperationModules['action'],
      },
    ];
  }),
);

function modulesOf(operation: DynaliteOperation): OperationModules {
  const modules = MODULES.get(operation);
  if (!modules) throw new Error(`dynalite has no ${operation}`);
  return modules;
}

function runAction(operation: DynaliteOperation, store: DynaliteStore, data: Json): Promise<Json> {
  const { action } = modulesOf(operation);
  return new Promise((resolve, reject) => {
    action(store, data, (error, result) => (error ? reject(error) : resolve(result ?? {})));
  });
}

/** dynalite's request validation for one operation; throws a DynaliteError carrying the AWS error body. */
function validateRequest(operation: DynaliteOperation, store: DynaliteStore, data: Json): Json {
  const { validation } = modulesOf(operation);
  const checked = dynaliteValidations.checkTypes(data, validation.types);
  dynaliteValidations.checkValidations(checked, validation.types, validation.custom, store);
  return checked;
}

function getTable(store: DynaliteStore, name: string): Promise<DynaliteTable> {
  return new Promise((resolve, reject) => {
    store.getTable(name, (error, table) => (error || !table ? reject(error) : resolve(table)));
  });
}

function readItem(store: DynaliteStore, tableName: string, key: string): Promise<AttributeMap | undefined> {
  return new Promise((resolve, reject) => {
    store.getItemDb(tableName).get(key, (error, item) => {
      if (error && error.name !== 'NotFoundError') reject(error);
      else resolve(item ?? undefined);
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// Replies in AWS's wire shape.

export interface EngineReply {
  readonly status: number;
  readonly body: Json;
}

const DYNAMODB_ERROR = 'com.amazonaws.dynamodb.v20120810#';
const MAX_TRANSACTION_ACTIONS = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

class ReplyError extends Error {
  constructor(readonly reply: EngineReply) {
    super(String(reply.body.message ?? reply.body.Message ?? reply.body.__type));
  }
}

function validationException(message: string): ReplyError {
  return new ReplyError({
    status: 400,
    body: { __type: 'com.amazon.coral.validate#ValidationException', message },
  });
}

function serializationException(message: string): ReplyError {
  return new ReplyError({
    status: 400,
    body: { __type: 'com.amazon.coral.service#SerializationException', Message: message },
  });
}

/** A dynalite error carries its AWS body; anything else is a bug and becomes a 500. */
function replyFromError(error: unknown): EngineReply {
  if (error instanceof ReplyError) return error.reply;
  const dynaliteError = error as DynaliteError | undefined;
  if (dynaliteError?.statusCode && dynaliteError.body) {
    return { status: dynaliteError.statusCode, body: dynaliteError.body };
  }
  return {
    status: 500,
    body: {
      __type: `${DYNAMODB_ERROR}InternalServerError`,
      message: (error as Error)?.message ?? 'internal error',
    },
  };
}

function errorMessage(error: unknown): string {
  const body = (error as DynaliteError | undefined)?.body;
  return String(body?.message ?? body?.Message ?? (error as Error)?.message ?? 'validation error');
}

// ---------------------------------------------------------------------------------------------------
// The lock.

/**
 * A FIFO lock with shared and exclusive holders. Requests are granted in arrival order, so a waiting
 * transaction is never starved by a stream of shared reads and writes.
 */
export class SharedExclusiveLock {
  /** > 0: that many shared holders; -1: one exclusive holder; 0: free. */
  #holders = 0;
  readonly #waiting: { exclusive: boolean; grant: () => void }[] = [];

  acquire(exclusive: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => resolve(this.#releaser(exclusive));
      if (this.#waiting.length === 0 && this.#canGrant(exclusive)) {
        this.#holders = exclusive ? -1 : this.#holders + 1;
        grant();
      } else {
        this.#waiting.push({ exclusive, grant });
      }
    });
  }

  async run<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(exclusive);
    try {
      return await work();
    } finally {
      release();
    }
  }

  #canGrant(exclusive: boolean): boolean {
    return exclusive ? this.#holders === 0 : this.#holders >= 0;
  }

  #releaser(exclusive: boolean): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holders = exclusive ? 0 : this.#holders - 1;
      while (this.#waiting.length > 0) {
        const next = this.#waiting[0];
        if (!next || !this.#canGrant(next.exclusive)) break;
        this.#waiting.shift();
        this.#holders = next.exclusive ? -1 : this.#holders + 1;
        next.grant();
        if (next.exclusive) break;
      }
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// Counters.

export interface EngineStats {
  /** Requests received per DynamoDB operation, failed ones included. */
  readonly requests: Readonly<Record<string, number>>;
  readonly totalRequests: number;
  /** Items written by successful requests: 1 per Put/Update/DeleteItem, a batch's items, a transaction's writes. */
  readonly itemsWritten: number;
  readonly transactionsCommitted: number;
  readonly transactionsCancelled: number;
}

// ---------------------------------------------------------------------------------------------------
// Transactions.

type WriteKind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
const WRITE_KINDS: readonly WriteKind[] = ['ConditionCheck', 'Put', 'Delete', 'Update'];

/** The single-item operation whose validation and action a transactional write reuses. */
const WRITE_OPERATION: Record<WriteKind, DynaliteOperation> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'DeleteItem',
};

/** Members each transactional write accepts (TransactWriteItem's Put/Update/Delete/ConditionCheck). */
const WRITE_MEMBERS: Record<WriteKind, readonly string[]> = {
  Put: ['TableName', 'Item', 'ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'],
  Update: [
    'TableName',
    'Key',
    'UpdateExpression',
    'ConditionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
  ],
  Delete: [
    'TableName',
    'Key',
    'ConditionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
  ],
  ConditionCheck: [
    'TableName',
    'Key',
    'ConditionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
  ],
};

interface WriteAction {
  readonly kind: WriteKind;
  readonly tableName: string;
  /** Validated single-item request (dynalite shape, with the parsed condition). */
  readonly data: Json;
  readonly key: AttributeMap;
  /** dynalite's key string within the table. */
  readonly itemKey: string;
  /** Table and key: what "the same item" means. */
  readonly storageKey: string;
  readonly returnOldOnFailure: boolean;
  readonly size: number;
}

interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: AttributeMap;
}

interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly expiresAt: number;
  readonly actionsPerTable: Readonly<Record<string, number>>;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted, so two equal requests fingerprint alike whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function keyOf(item: AttributeMap, table: DynaliteTable): AttributeMap {
  const key: AttributeMap = {};
  for (const { AttributeName } of table.KeySchema) {
    const value = item[AttributeName];
    if (value) key[AttributeName] = value;
  }
  return key;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function checkListLength(list: unknown, member: string): unknown[] {
  if (list === undefined || list === null) {
    throw validationException(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (!Array.isArray(list)) throw serializationException('Unexpected field type');
  if (list.length < 1) {
    throw validationException(
      `1 validation error detected: Value '[]' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  }
  if (list.length > MAX_TRANSACTION_ACTIONS) {
    throw validationException(
      `1 validation error detected: Value '[${list.length} items]' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACTION_ACTIONS}`,
    );
  }
  return list;
}

function checkEnum(value: unknown, allowed: readonly string[], member: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') throw serializationException('Unexpected field type');
  if (!allowed.includes(value)) {
    throw validationException(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  }
}

function consumedCapacity(mode: unknown, perTable: Map<string, number>, unit: 'Read' | 'Write'): Json {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return {};
  return {
    ConsumedCapacity: [...perTable].map(([TableName, units]) => ({
      TableName,
      CapacityUnits: units,
      [`${unit}CapacityUnits`]: units,
      ...(mode === 'INDEXES' ? { Table: { CapacityUnits: units, [`${unit}CapacityUnits`]: units } } : {}),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------
// The engine: dispatch of one request.

export interface LocalDynamoOptions {
  /** Folder for dynalite's on-disk LevelDB; in memory when absent. */
  readonly path?: string;
  /** Clock for the ClientRequestToken idempotency window (ms since epoch). */
  readonly now?: () => number;
}

export class LocalDynamo {
  readonly #store: DynaliteStore;
  readonly #lock = new SharedExclusiveLock();
  readonly #now: () => number;
  readonly #tokens = new Map<string, IdempotencyRecord>();
  #requests: Record<string, number> = {};
  #itemsWritten = 0;
  #committed = 0;
  #cancelled = 0;

  constructor(options: LocalDynamoOptions = {}) {
    this.#store = dynaliteDb.create({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(options.path ? { path: options.path } : {}),
    });
    this.#now = options.now ?? Date.now;
  }

  static readonly operations: ReadonlySet<string> = new Set<string>([
    ...DYNALITE_OPERATIONS,
    'TransactWriteItems',
    'TransactGetItems',
  ]);

  stats(): EngineStats {
    const requests = { ...this.#requests };
    return {
      requests,
      totalRequests: Object.values(requests).reduce((sum, count) => sum + count, 0),
      itemsWritten: this.#itemsWritten,
      transactionsCommitted: this.#committed,
      transactionsCancelled: this.#cancelled,
    };
  }

  resetStats(): void {
    this.#requests = {};
    this.#itemsWritten = 0;
    this.#committed = 0;
    this.#cancelled = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#store.lifecycleManager.gracefulClose((error) => (error ? reject(error) : resolve())),
    );
  }

  /** Executes one DynamoDB operation; `data` is the parsed JSON body (it may be mutated). */
  async execute(operation: string, data: Json): Promise<EngineReply> {
    this.#requests[operation] = (this.#requests[operation] ?? 0) + 1;
    try {
      switch (operation) {
        case 'TransactWriteItems':
          return await this.#transactWrite(data);
        case 'TransactGetItems':
          return await this.#transactGet(data);
        default:
          return await this.#passThrough(operation as DynaliteOperation, data);
      }
    } catch (error) {
      return replyFromError(error);
    }
  }

  async #passThrough(operation: DynaliteOperation, data: Json): Promise<EngineReply> {
    const request = validateRequest(operation, this.#store, data);
    switch (operation) {
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem': {
        const result = await this.#lock.run(false, () => runAction(operation, this.#store, request));
        this.#itemsWritten += 1;
        return { status: 200, body: result };
      }
      case 'BatchWriteItem': {
        const result = await this.#lock.run(false, () => runAction(operation, this.#store, request));
        const requestItems = isRecord(request.RequestItems) ? request.RequestItems : {};
        for (const writes of Object.values(requestItems)) {
          if (Array.isArray(writes)) this.#itemsWritten += writes.length;
        }
        return { status: 200, body: result };
      }
      case 'GetItem':
      case 'BatchGetItem':
        return {
          status: 200,
          body: await this.#lock.run(false, () => runAction(operation, this.#store, request)),
        };
      default:
        return { status: 200, body: await runAction(operation, this.#store, request) };
    }
  }

  // -- TransactWriteItems ----------------------------------------------------------------------------

  async #transactWrite(data: Json): Promise<EngineReply> {
    const entries = checkListLength(data.TransactItems, 'transactItems');
    checkEnum(data.ReturnConsumedCapacity, ['INDEXES', 'TOTAL', 'NONE'], 'returnConsumedCapacity');
    checkEnum(data.ReturnItemCollectionMetrics, ['SIZE', 'NONE'], 'returnItemCollectionMetrics');
    const token = data.ClientRequestToken;
    if (token !== undefined && token !== null) {
      if (typeof token !== 'string') throw serializationException('Unexpected field type');
      if (token.length < 1 || token.length > 36) {
        throw validationException(
          `1 validation error detected: Value '${token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length ${token.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 36'}`,
        );
      }
    }

    const tables = new Map<string, Promise<DynaliteTable>>();
    const actions: WriteAction[] = [];
    for (const [index, entry] of entries.entries()) {
      actions.push(await this.#parseWrite(entry, index + 1, tables));
    }
    const seen = new Set<string>();
    let totalSize = 0;
    for (const action of actions) {
      if (seen.has(action.storageKey)) {
        throw validationException('Transaction request cannot include multiple operations on one item');
      }
      seen.add(action.storageKey);
      totalSize += action.size;
    }
    if (totalSize > MAX_TRANSACTION_BYTES) {
      throw validationException('Transaction request size exceeds the maximum allowed size of 4 MB');
    }
    const fingerprint =
      typeof token === 'string' ? hash('sha256', canonicalJson(data.TransactItems), 'base64') : '';

    return this.#lock.run(true, async () => {
      if (typeof token === 'string') {
        const previous = this.#recallToken(token);
        if (previous) {
          if (previous.fingerprint !== fingerprint) {
            return {
              status: 400,
              body: {
                __type: `${DYNAMODB_ERROR}IdempotentParameterMismatchException`,
                Message: 'The request uses the same client token as a previous, but non-identical request.',
              },
            };
          }
          // Already applied within the window: succeed again without writing (AWS reports read units then).
          const perTable = new Map(Object.entries(previous.actionsPerTable).map(([t, n]) => [t, 2 * n]));
          return { status: 200, body: consumedCapacity(data.ReturnConsumedCapacity, perTable, 'Read') };
        }
      }

      const snapshots = await Promise.all(
        actions.map((action) => readItem(this.#store, action.tableName, action.itemKey)),
      );
      const failures = actions.map((action, i): CancellationReason | undefined => {
        const existing = snapshots[i];
        if (!dynaliteDb.checkConditional(action.data, existing)) return undefined;
        return {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          ...(action.returnOldOnFailure && existing ? { Item: existing } : {}),
        };
      });
      if (failures.some(Boolean)) return this.#cancel(failures);

      const writes = actions.filter((action) => action.kind !== 'ConditionCheck');
      const outcomes = await Promise.allSettled(writes.map((action) => this.#apply(action)));
      const failedAt = outcomes.findIndex((outcome) => outcome.status === 'rejected');
      if (failedAt >= 0) {
        await this.#restore(actions, snapshots);
        const failure = outcomes[failedAt] as PromiseRejectedResult;
        const failedAction = writes[failedAt];
        if (!(failure.reason as DynaliteError)?.statusCode) throw failure.reason;
        return this.#cancel(
          actions.map((action) =>
            action === failedAction
              ? { Code: 'ValidationError', Message: errorMessage(failure.reason) }
              : undefined,
          ),
        );
      }

      this.#itemsWritten += writes.length;
      this.#committed += 1;
      const perTable = new Map<string, number>();
      for (const [i, action] of actions.entries()) {
        const old = snapshots[i];
        const units = 2 * Math.ceil(Math.max(action.size, old ? dynaliteDb.itemSize(old) : 0, 1) / 1024);
        perTable.set(action.tableName, (perTable.get(action.tableName) ?? 0) + units);
      }
      if (typeof token === 'string') {
        const actionsPerTable: Record<string, number> = {};
        for (const action of actions)
          actionsPerTable[action.tableName] = (actionsPerTable[action.tableName] ?? 0) + 1;
        this.#tokens.delete(token);
        this.#tokens.set(token, {
          fingerprint,
          expiresAt: this.#now() + IDEMPOTENCY_WINDOW_MS,
          actionsPerTable,
        });
      }
      return { status: 200, body: consumedCapacity(data.ReturnConsumedCapacity, perTable, 'Write') };
    });
  }

  /** The token's record if still inside its window; expired records are dropped (oldest first). */
  #recallToken(token: string): IdempotencyRecord | undefined {
    const now = this.#now();
    for (const [oldToken, record] of this.#tokens) {
      if (record.expiresAt > now) break;
      this.#tokens.delete(oldToken);
    }
    const record = this.#tokens.get(token);
    return record && record.expiresAt > now ? record : undefined;
  }

  #cancel(failures: readonly (CancellationReason | undefined)[]): EngineReply {
    this.#cancelled += 1;
    const reasons = failures.map((failure) => failure ?? { Code: 'None' });
    return {
      status: 400,
      body: {
        __type: `${DYNAMODB_ERROR}TransactionCanceledException`,
        Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        CancellationReasons: reasons,
      },
    };
  }

  /** The table's description, read once per request. */
  #table(name: string, tables: Map<string, Promise<DynaliteTable>>): Promise<DynaliteTable> {
    let table = tables.get(name);
    if (!table) {
      table = getTable(this.#store, name);
      tables.set(name, table);
    }
    return table;
  }

  async #parseWrite(
    entry: unknown,
    position: number,
    tables: Map<string, Promise<DynaliteTable>>,
  ): Promise<WriteAction> {
    if (!isRecord(entry)) throw serializationException('Unexpected field type');
    const present = WRITE_KINDS.filter((kind) => entry[kind] !== undefined && entry[kind] !== null);
    const [kind] = present;
    if (present.length !== 1 || !kind) {
      throw validationException('TransactItems can only contain one of Check, Put, Update or Delete');
    }
    const params = entry[kind];
    if (!isRecord(params)) throw serializationException('Unexpected field type');
    const member = `transactItems.${position}.member.${lowerFirst(kind)}`;
    checkEnum(
      params.ReturnValuesOnConditionCheckFailure,
      ['ALL_OLD', 'NONE'],
      `${member}.returnValuesOnConditionCheckFailure`,
    );
    const required =
      kind === 'Update' ? 'UpdateExpression' : kind === 'ConditionCheck' ? 'ConditionExpression' : '';
    if (required && (params[required] === undefined || params[required] === null)) {
      throw validationException(
        `1 validation error detected: Value null at '${member}.${lowerFirst(required)}' failed to satisfy constraint: Member must not be null`,
      );
    }

    const request: Json = {};
    for (const name of WRITE_MEMBERS[kind]) {
      if (params[name] !== undefined) request[name] = params[name];
    }
    const validated = validateRequest(WRITE_OPERATION[kind], this.#store, request);
    const tableName = String(validated.TableName);
    const table = await this.#table(tableName, tables);
    let key: AttributeMap;
    let size: number;
    if (kind === 'Put') {
      const item = validated.Item as AttributeMap;
      const invalid = dynaliteDb.validateItem(item, table);
      if (invalid) throw invalid;
      key = keyOf(item, table);
      size = dynaliteDb.itemSize(item);
    } else {
      key = validated.Key as AttributeMap;
      const invalid =
        dynaliteDb.validateKey(key, table) ??
        (kind === 'Update' ? dynaliteDb.validateUpdates(undefined, validated._updates, table) : undefined);
      if (invalid) throw invalid;
      size = dynaliteDb.itemSize(key);
    }
    if (isRecord(validated.ExpressionAttributeValues)) {
      size += dynaliteDb.itemSize(validated.ExpressionAttributeValues as AttributeMap);
    }
    const itemKey = dynaliteDb.createKey(key, table);
    return {
      kind,
      tableName,
      data: validated,
      key,
      itemKey,
      storageKey: `${tableName}/${itemKey}`,
      returnOldOnFailure: params.ReturnValuesOnConditionCheckFailure === 'ALL_OLD',
      size,
    };
  }

  /** Applies one checked write with dynalite's own action (indexes included); the condition already held. */
  #apply(action: WriteAction): Promise<Json> {
    const { _condition: _checked, ConditionExpression: _expression, ...write } = action.data;
    return runAction(WRITE_OPERATION[action.kind], this.#store, write);
  }

  /** Puts every written item back as it was before the transaction. */
  async #restore(
    actions: readonly WriteAction[],
    snapshots: readonly (AttributeMap | undefined)[],
  ): Promise<void> {
    await Promise.all(
      actions.map((action, i) => {
        if (action.kind === 'ConditionCheck') return undefined;
        const before = snapshots[i];
        return before
          ? runAction('PutItem', this.#store, { TableName: action.tableName, Item: before })
          : runAction('DeleteItem', this.#store, { TableName: action.tableName, Key: action.key });
      }),
    );
  }

  // -- TransactGetItems ------------------------------------------------------------------------------

  async #transactGet(data: Json): Promise<EngineReply> {
    const entries = checkListLength(data.TransactItems, 'transactItems');
    checkEnum(data.ReturnConsumedCapacity, ['INDEXES', 'TOTAL', 'NONE'], 'returnConsumedCapacity');
    const tables = new Map<string, Promise<DynaliteTable>>();
    const gets: { tableName: string; request: Json; storageKey: string }[] = [];
    for (const [index, entry] of entries.entries()) {
      if (!isRecord(entry)) throw serializationException('Unexpected field type');
      const params = entry.Get;
      if (params === undefined || params === null) {
        throw validationException(
          `1 validation error detected: Value null at 'transactItems.${index + 1}.member.get' failed to satisfy constraint: Member must not be null`,
        );
      }
      if (!isRecord(params)) throw serializationException('Unexpected field type');
      const request: Json = {};
      for (const name of ['TableName', 'Key', 'ProjectionExpression', 'ExpressionAttributeNames']) {
        if (params[name] !== undefined) request[name] = params[name];
      }
      const validated = validateRequest('GetItem', this.#store, request);
      const tableName = String(validated.TableName);
      const table = await this.#table(tableName, tables);
      const invalid = dynaliteDb.validateKey(validated.Key as AttributeMap, table);
      if (invalid) throw invalid;
      gets.push({
        tableName,
        request: validated,
        storageKey: `${tableName}/${dynaliteDb.createKey(validated.Key as AttributeMap, table)}`,
      });
    }
    if (new Set(gets.map((get) => get.storageKey)).size !== gets.length) {
      throw validationException('Transaction request cannot include multiple operations on one item');
    }

    // Exclusive: no write of any kind runs while the items are read, so they form one snapshot.
    const results = await this.#lock.run(true, () =>
      Promise.all(gets.map((get) => runAction('GetItem', this.#store, get.request))),
    );
    let responseSize = 0;
    const perTable = new Map<string, number>();
    const responses = results.map((result, i) => {
      const item = result.Item as AttributeMap | undefined;
      const size = item ? dynaliteDb.itemSize(item) : 0;
      responseSize += size;
      const tableName = gets[i]?.tableName ?? '';
      perTable.set(tableName, (perTable.get(tableName) ?? 0) + 2 * Math.ceil(Math.max(size, 1) / 4096));
      return item ? { Item: item } : {};
    });
    if (responseSize > MAX_TRANSACTION_BYTES) {
      throw validationException('Transaction response size exceeds the maximum allowed size of 4 MB');
    }
    return {
      status: 200,
      body: { Responses: responses, ...consumedCapacity(data.ReturnConsumedCapacity, perTable, 'Read') },
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// The HTTP front.

export interface FrontOptions extends LocalDynamoOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
}

export interface LocalDynamoFront {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly engine: LocalDynamo;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const VALID_APIS = new Set(['DynamoDB_20111205', 'DynamoDB_20120810']);

function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: Json,
  contentType: string,
) {
  const text = JSON.stringify(body);
  const bytes = Buffer.from(text, 'utf8');
  response.statusCode = status;
  // The SDK verifies this checksum when present, as with real DynamoDB.
  response.setHeader('x-amz-crc32', crc32(bytes));
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Length', bytes.length);
  request.removeAllListeners();
  response.end(bytes);
}

function sendRaw(response: ServerResponse, status: number, text: string, contentType = 'application/json') {
  const bytes = Buffer.from(text, 'utf8');
  response.statusCode = status;
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Length', bytes.length);
  response.end(bytes);
}

/** What dynalite's HTTP handler checks before dispatch, in the same order and with the same bodies. */
function preflightError(request: IncomingMessage, operation: string | undefined): Json | undefined {
  if (operation === undefined) return { __type: 'com.amazon.coral.service#UnknownOperationException' };
  const authHeader = request.headers.authorization;
  const query = new URL(request.url ?? '/', 'http://local').searchParams;
  const authQuery = query.has('X-Amz-Algorithm');
  if (authHeader && authQuery) {
    return {
      __type: 'com.amazon.coral.service#InvalidSignatureException',
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    };
  }
  if ((!authHeader && !authQuery) || (authHeader && authHeader.trim().slice(0, 5) !== 'AWS4-')) {
    return {
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    };
  }
  return undefined;
}

function operationOf(request: IncomingMessage): string | undefined {
  const target = String(request.headers['x-amz-target'] ?? '').split('.');
  const [api, operation] = target;
  if (target.length !== 2 || !api || !operation || !VALID_APIS.has(api)) return undefined;
  return LocalDynamo.operations.has(operation) ? operation : undefined;
}

async function handle(
  engine: LocalDynamo,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  response.setHeader(
    'x-amzn-RequestId',
    randomBytes(39).toString('base64').toUpperCase().replace(/[+/]/g, '0'),
  );
  const path = (request.url ?? '/').split('?')[0];
  if (path === '/__stats' && request.method === 'GET') {
    request.resume();
    return sendRaw(response, 200, JSON.stringify(engine.stats()));
  }
  if (path === '/__stats/reset' && request.method === 'POST') {
    request.resume();
    engine.resetStats();
    return sendRaw(response, 200, '{}');
  }

  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_REQUEST_BYTES) {
      response.statusCode = 413;
      response.end();
      request.destroy();
      return;
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks, length).toString('utf8');

  if (request.headers.origin) {
    response.setHeader('Access-Control-Allow-Origin', '*');
    if (request.method === 'OPTIONS') {
      const headers = request.headers['access-control-request-headers'];
      const method = request.headers['access-control-request-method'];
      if (headers) response.setHeader('Access-Control-Allow-Headers', headers);
      if (method) response.setHeader('Access-Control-Allow-Methods', method);
      response.setHeader('Access-Control-Max-Age', 172800);
      return sendRaw(response, 200, '');
    }
  }
  if (request.method === 'GET') {
    return sendRaw(response, 200, 'healthy: dynamodb.us-east-1.amazonaws.com ', 'text/plain');
  }
  const contentType = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim();
  if (
    request.method !== 'POST' ||
    (body && contentType !== 'application/json' && contentType !== 'application/x-amz-json-1.0')
  ) {
    return sendRaw(response, 404, '<UnknownOperationException/>\n', 'text/xml');
  }
  const replyType = contentType === 'application/x-amz-json-1.0' ? contentType : 'application/json';

  let data: unknown;
  if (body) {
    try {
      data = JSON.parse(body);
    } catch {
      return send(
        request,
        response,
        400,
        { __type: 'com.amazon.coral.service#SerializationException' },
        replyType,
      );
    }
  }
  const operation = operationOf(request);
  const refused = preflightError(request, operation);
  if (refused || operation === undefined) {
    return send(request, response, 400, refused ?? {}, replyType);
  }
  if (!isRecord(data)) {
    return send(
      request,
      response,
      400,
      { __type: 'com.amazon.coral.service#SerializationException' },
      replyType,
    );
  }
  const reply = await engine.execute(operation, data);
  return send(request, response, reply.status, reply.body, replyType);
}

export async function startFront(options: FrontOptions = {}): Promise<LocalDynamoFront> {
  const engine = new LocalDynamo(options);
  const server: Server = createServer((request, response) => {
    handle(engine, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendRaw(response, 500, JSON.stringify(replyFromError(error).body));
      } else {
        response.destroy();
      }
    });
  });
  // Clients keep connections alive and reuse them; a server closing an idle socket just as a client reuses
  // it resets that request (ECONNRESET), so idle sockets are kept long and closed only by close().
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    engine,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }).then(() => engine.close());
      return closing;
    },
  };
}
