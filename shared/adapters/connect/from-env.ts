/**
 * The telephony port in Lambda: the Connect adapter on the instance the stack names (CONNECT_INSTANCE_ARN,
 * CONTACT_FLOW_ID), claiming the access numbers the deployment chose (CONNECT_COUNTRY, CONNECT_NUMBER_TYPE,
 * CONNECT_NUMBER_PREFIX; defaults SG, DID, no prefix). Built by the composition root (shared/runtime/ports.ts) the first time a function asks
 * for the port. SDK retries are off: withBackoff owns throttling.
 */
import { requireEnv } from '../../config.js';
import type { TelephonyPort } from '../../ports/telephony.js';

export async function createTelephonyFromEnv(): Promise<TelephonyPort> {
  const [{ ConnectClient }, { ConnectTelephony, accessNumbersFromEnv }] = await Promise.all([
    import('@aws-sdk/client-connect'),
    import('./connect-telephony.js'),
  ]);
  const instanceArn = requireEnv('CONNECT_INSTANCE_ARN');
  return new ConnectTelephony(new ConnectClient({ maxAttempts: 1 }), {
    instanceId: instanceArn.split('/').pop() ?? instanceArn,
    contactFlowId: process.env.CONTACT_FLOW_ID || undefined,
    accessNumbers: accessNumbersFromEnv(process.env),
    // Connect allows about 2 requests/s per account; the workers that call it stay under that.
    requestsPerSecond: Number(process.env.CONNECT_REQUESTS_PER_SECOND) || 2,
  });
}
