/**
 * Builds the two stacks on an app (infra/app.ts) or a test app: the stateful stack first, its resources
 * handed to the stateless stack as typed props.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { App, StackProps } from 'aws-cdk-lib';
import type { ContactFlowBuilder } from '../constructs/contact-center.js';
import { StatefulStack, type StatefulStackProps } from './stateful-stack.js';
import { StatelessStack, type StatelessStackProps } from './stateless-stack.js';

export interface HotlineAppOptions {
  /** Stack name prefix. @default 'Hotline400' */
  readonly prefix?: string;
  readonly stackProps?: StackProps;
  readonly stateful?: Omit<StatefulStackProps, keyof StackProps>;
  readonly stateless?: Omit<StatelessStackProps, keyof StackProps | 'data'>;
}

export interface HotlineStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

export function buildHotlineApp(app: App, options: HotlineAppOptions = {}): HotlineStacks {
  const prefix = options.prefix ?? 'Hotline400';
  const stateful = new StatefulStack(app, `${prefix}Stateful`, {
    ...options.stackProps,
    description: 'hotline400 data: tables, contact-record stream, topics, keys, documents, Connect instance',
    ...options.stateful,
  });
  const stateless = new StatelessStack(app, `${prefix}Stateless`, {
    ...options.stackProps,
    description: 'hotline400 compute: HTTP API, functions, schedules, Connect wiring, alarms',
    ...options.stateless,
    data: stateful,
  });
  stateless.addStackDependency(stateful);
  return { stateful, stateless };
}

const CONTACT_FLOW_MODULE = new URL('../../shared/connect/contact-flow.ts', import.meta.url);

/**
 * shared/connect/contact-flow.ts's `buildContactFlow`, or undefined while that module does not exist
 * (then no flow is deployed). Imported by a computed specifier so the type check does not need the file.
 */
export async function loadContactFlowBuilder(): Promise<ContactFlowBuilder | undefined> {
  if (!existsSync(fileURLToPath(CONTACT_FLOW_MODULE))) return undefined;
  const specifier = '../../shared/connect/contact-flow.js';
  const module = (await import(specifier)) as { buildContactFlow?: unknown };
  if (typeof module.buildContactFlow !== 'function') {
    throw new Error('shared/connect/contact-flow.ts must export buildContactFlow({ routeCallFunctionArn })');
  }
  return module.buildContactFlow as ContactFlowBuilder;
}
