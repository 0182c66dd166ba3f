/**
 * The composition root for non-database ports. In Lambda each port is its AWS adapter, built lazily once
 * per process on first use (so a function loads only the SDK clients it really uses, and no handler has to
 * remember to register anything); the local runtime and tests install their own with `usePorts`.
 * Handlers call `await port('telephony')` and never know which one they got.
 */
import type { AuditTrail } from '../ports/audit.js';
import type { CallLimitsPort } from '../ports/call-limits.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { DocumentsPort } from '../ports/documents.js';
import type { DirectoryPort } from '../ports/members.js';
import type { MessagingPort, NotificationMessage, NotificationsPort } from '../ports/notifications.js';
import type { CursorKeyPort } from '../ports/paging.js';
import type { PromptAudioPort } from '../ports/prompts.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { RecordingsPort } from '../ports/recordings.js';
import type { TelephonyPort } from '../ports/telephony.js';

export interface Ports {
  readonly telephony: TelephonyPort;
  /** Hands notifications to the notifications work queue (every function that notifies). */
  readonly notifications: NotificationsPort;
  /** Delivers them: SES e-mail and Aliyun SMS (the notifier worker alone). */
  readonly messaging: MessagingPort;
  readonly documents: DocumentsPort;
  /** Tenants' recorded prompts in the prompts bucket (uploads and the apply worker's reads). */
  readonly promptAudio: PromptAudioPort;
  readonly callLimits: CallLimitsPort;
  readonly rateLimiter: RateLimiter;
  readonly recordings: RecordingsPort;
  /** The user pool behind members (Cognito; the local runtime's stand-in). */
  readonly directory: DirectoryPort;
  /** Where apiHandler appends one event per write (DynamoDB, PutItem only). */
  readonly auditTrail: AuditTrail;
  readonly cursorKey: CursorKeyPort;
}

type PortFactories = { [K in keyof Ports]: (() => Promise<Ports[K]>) | undefined };
export type PortName = keyof Ports;
export const PORT_NAMES: readonly PortName[] = [
  'telephony',
  'notifications',
  'messaging',
  'documents',
  'promptAudio',
  'callLimits',
  'rateLimiter',
  'recordings',
  'directory',
  'auditTrail',
  'cursorKey',
];

/**
 * The variable a function's bundle defines as "false" for each port its row is not granted
 * (infra/constructs/hotline-function.ts): esbuild then drops that adapter and its SDK client from the
 * bundle, as IAM already keeps the function from using it. Unbundled code (tests, the local runtime)
 * reaches every port. The checks below must stay literal `process.env.X` reads for the bundler to fold.
 */
export function portBundleFlag(name: PortName | 'payments' | 'workQueues'): string {
  return `HOTLINE_PORT_${name.toUpperCase()}`;
}

/**
 * The AWS adapters: Amazon Connect, the notifications work queue (SQS), SES and Aliyun SMS, S3, the SQS delay chain of call limits, the DynamoDB
 * rate limiter, the Cognito user pool, the DynamoDB audit trail, the cursor-signing key from Secrets Manager.
 */
const AWS_ADAPTERS: PortFactories = {
  telephony:
    process.env.HOTLINE_PORT_TELEPHONY !== 'false'
      ? async () => (await import('../adapters/connect/from-env.js')).createTelephonyFromEnv()
      : undefined,
  notifications:
    process.env.HOTLINE_PORT_NOTIFICATIONS !== 'false'
      ? async () => {
          const [{ queuedNotifications }, { workQueue }] = await Promise.all([
            import('../adapters/messaging/queued-notifications.js'),
            import('./work-queues.js'),
          ]);
          return queuedNotifications(() => workQueue<NotificationMessage>('notifications'));
        }
      : undefined,
  messaging:
    process.env.HOTLINE_PORT_MESSAGING !== 'false'
      ? async () => (await import('../adapters/messaging/from-env.js')).createMessagingFromEnv()
      : undefined,
  documents:
    process.env.HOTLINE_PORT_DOCUMENTS !== 'false'
      ? async () => (await import('../adapters/s3/s3-documents.js')).createS3Documents()
      : undefined,
  promptAudio:
    process.env.HOTLINE_PORT_PROMPTAUDIO !== 'false'
      ? async () => (await import('../adapters/s3/s3-documents.js')).createS3PromptAudio()
      : undefined,
  callLimits:
    process.env.HOTLINE_PORT_CALLLIMITS !== 'false'
      ? async () => (await import('../adapters/sqs/call-limits-from-env.js')).createCallLimitsFromEnv()
      : undefined,
  rateLimiter:
    process.env.HOTLINE_PORT_RATELIMITER !== 'false'
      ? async () => (await import('../adapters/dynamo/rate-limits.js')).createDynamoRateLimiter()
      : undefined,
  recordings:
    process.env.HOTLINE_PORT_RECORDINGS !== 'false'
      ? async () => (await import('../adapters/s3/s3-recordings.js')).createS3Recordings()
      : undefined,
  directory:
    process.env.HOTLINE_PORT_DIRECTORY !== 'false'
      ? async () => (await import('../adapters/cognito/cognito-directory.js')).createCognitoDirectoryFromEnv()
      : undefined,
  auditTrail:
    process.env.HOTLINE_PORT_AUDITTRAIL !== 'false'
      ? async () => (await import('../adapters/dynamo/audit-log.js')).createDynamoAuditLog()
      : undefined,
  cursorKey:
    process.env.HOTLINE_PORT_CURSORKEY !== 'false'
      ? async () => (await import('../adapters/secrets/cursor-key.js')).cursorKeyOfProcess()
      : undefined,
};

const overrides: Partial<Ports> = {};
const built: Partial<Ports> = {};
let installedClock: Clock = systemClock;

/** The clock in force: the system clock in AWS, the local runtime's test clock locally. */
export function clock(): Clock {
  return installedClock;
}

/** Install a clock (the local runtime's test clock, tests); `resetPorts` restores the system clock. */
export function useClock(next: Clock): void {
  installedClock = next;
}

/** Install implementations (the local runtime, tests). */
export function usePorts(ports: Partial<Ports>): void {
  Object.assign(overrides, ports);
}

export async function port<K extends keyof Ports>(name: K): Promise<Ports[K]> {
  const override = overrides[name];
  if (override) return override as Ports[K];
  const existing = built[name];
  if (existing) return existing as Ports[K];
  const factory = AWS_ADAPTERS[name];
  if (!factory) throw new Error(`port ${name} is not bundled with this function: grant it in its row`);
  const adapter = (await factory()) as Ports[K];
  built[name] = adapter;
  return adapter;
}

export function resetPorts(): void {
  installedClock = systemClock;
  for (const key of Object.keys(overrides) as (keyof Ports)[]) delete overrides[key];
  for (const key of Object.keys(built) as (keyof Ports)[]) delete built[key];
}
