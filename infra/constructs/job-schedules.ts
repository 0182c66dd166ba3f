/**
 * EventBridge Scheduler schedules for the jobs in the function catalogue: each runs its cron in its own
 * time zone and invokes the job with `{"at":"<scheduled time>"}`, retrying a bounded number of times and
 * parking undeliverable invocations in a dead-letter queue. One role, assumable only by Scheduler on this
 * account's schedules, invokes every job.
 */
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  acknowledgeWildcardActions,
  acknowledgeWildcardResource,
  KMS_GRANT_WILDCARDS,
} from './nag-acknowledgements.js';

export class SchedulePropsError extends Error {
  override readonly name = 'SchedulePropsError';
}

/**
 * A Scheduler expression from a catalogue row: `cron(...)`/`rate(...)` as is, or the six cron fields
 * (minutes hours day-of-month month day-of-week year) which get wrapped in cron(...).
 */
export function scheduleExpression(schedule: string, what: string): string {
  const text = schedule.trim();
  const rate = /^rate\(\s*\d+\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(text);
  if (rate) return text;
  const inner = /^cron\((.*)\)$/.exec(text)?.[1] ?? text;
  const fields = inner.trim().split(/\s+/);
  if (fields.length !== 6 || fields.some((f) => !/^[\d*?,\-/LW#A-Z]+$/i.test(f))) {
    throw new SchedulePropsError(
      `schedule of ${what} must be cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>) or rate(...), got "${schedule}"`,
    );
  }
  if (fields[2] !== '?' && fields[4] !== '?') {
    throw new SchedulePropsError(
      `schedule of ${what}: one of day-of-month and day-of-week must be "?", got "${schedule}"`,
    );
  }
  return `cron(${fields.join(' ')})`;
}

export function checkTimeZone(timeZone: string, what: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new SchedulePropsError(`timeZone of ${what} is not an IANA time zone: "${timeZone}"`);
  }
  return timeZone;
}

export interface JobScheduleRequest {
  readonly id: string;
  readonly name: string;
  readonly schedule: string;
  readonly timeZone: string;
  readonly fn: lambda.IFunction;
}

/** EventBridge Scheduler as a role's principal, only for this account's schedules (no confused deputy). */
export function schedulerPrincipal(scope: Construct): iam.IPrincipal {
  const stack = Stack.of(scope);
  return new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: {
      'aws:SourceArn': stack.formatArn({
        service: 'scheduler',
        resource: 'schedule',
        resourceName: 'default/*',
      }),
    },
  });
}

export interface JobSchedulesProps {
  /** Undeliverable invocations (after retries) land here. */
  readonly deadLetterQueue: sqs.IQueue;
}

export class JobSchedules extends Construct {
  readonly role: iam.Role;
  private readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: JobSchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = props.deadLetterQueue;
    this.role = new iam.Role(this, 'InvokeRole', {
      description: 'EventBridge Scheduler invokes the hotline400 jobs',
      assumedBy: schedulerPrincipal(this),
    });
    props.deadLetterQueue.grantSendMessages(this.role);
    acknowledgeWildcardActions(
      this.role,
      KMS_GRANT_WILDCARDS,
      "CDK's grant on the one key encrypting the schedules' dead-letter queue",
    );
  }

  add(job: JobScheduleRequest): scheduler.Schedule {
    const expression = scheduleExpression(job.schedule, job.name);
    const timeZone = checkTimeZone(job.timeZone, job.name);
    acknowledgeWildcardResource(
      this.role,
      `${job.fn.functionArn}:*`,
      `CDK's grantInvoke on job ${job.name}: its versions and aliases`,
    );
    return new scheduler.Schedule(this, job.id, {
      description: `hotline400 job ${job.name}`,
      schedule: scheduler.ScheduleExpression.expression(expression, TimeZone.of(timeZone)),
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.LambdaInvoke(job.fn, {
        role: this.role,
        input: scheduler.ScheduleTargetInput.fromObject({ at: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}
