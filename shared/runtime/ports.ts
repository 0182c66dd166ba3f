/**
 * The composition root for non-database ports. In Lambda each port is the AWS adapter, built lazily once
 * per process; the local runtime (and tests) install their own with `usePorts` before serving. Handlers
 * call `ports().telephony` and never know which one they got. AWS adapters are imported lazily so a
 * function only loads the SDK clients it really uses.
 */
import type { DocumentsPort } from '../ports/documents.js';
import type { NotificationsPort } from '../ports/notifications.js';
import type { TelephonyPort } from '../ports/telephony.js';

export interface Ports {
  readonly telephony: TelephonyPort;
  readonly notifications: NotificationsPort;
  readonly documents: DocumentsPort;
}

type PortFactories = { [K in keyof Ports]: () => Promise<Ports[K]> };

const overrides: Partial<Ports> = {};
const built: Partial<Ports> = {};
const factories: Partial<PortFactories> = {};

/** Install implementations (the local runtime, tests). */
export function usePorts(ports: Partial<Ports>): void {
  Object.assign(overrides, ports);
}

/** Register how the AWS adapter for a port is built (done by each adapter module's `register`). */
export function registerPortFactory<K extends keyof Ports>(name: K, factory: () => Promise<Ports[K]>): void {
  factories[name] = factory as PortFactories[K];
}

export async function port<K extends keyof Ports>(name: K): Promise<Ports[K]> {
  const override = overrides[name];
  if (override) return override as Ports[K];
  const existing = built[name];
  if (existing) return existing as Ports[K];
  const factory = factories[name];
  if (!factory) throw new Error(`no adapter registered for port ${name}`);
  const adapter = (await factory()) as Ports[K];
  built[name] = adapter;
  return adapter;
}

export function resetPorts(): void {
  for (const key of Object.keys(overrides) as (keyof Ports)[]) delete overrides[key];
  for (const key of Object.keys(built) as (keyof Ports)[]) delete built[key];
}
