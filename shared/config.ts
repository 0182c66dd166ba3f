/** Configuration read from the environment once, failing fast with the variable's name. */
import { TABLE_ENV_VARS } from './table-env.js';
import type { TableId } from './tables.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`missing environment variable ${name}`);
  return value;
}

export function optionalEnv(name: string, fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

/**
 * Physical name of a table, from the environment variable its definition names. Read each time (it is
 * cheap), so a process that points at another database (tests, benchmarks) never keeps a stale name.
 */
export function tableName(id: TableId): string {
  return requireEnv(TABLE_ENV_VARS[id]);
}

/** Business rules run in this zone unless a tenant or number says otherwise. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
