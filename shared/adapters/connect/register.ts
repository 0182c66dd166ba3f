/**
 * Registers how Lambda builds the telephony port: the Connect adapter on the instance the stack names
 * (CONNECT_INSTANCE_ARN, CONTACT_FLOW_ID). Imported by the handlers that use telephony; the SDK client is
 * loaded only when the port is first asked for. SDK retries are off: withBackoff owns throttling.
 */
import { requireEnv } from '../../config.js';
import { registerPortFactory } from '../../runtime/ports.js';

registerPortFactory('telephony', async () => {
  const [{ ConnectClient }, { ConnectTelephony }] = await Promise.all([
    import('@aws-sdk/client-connect'),
    import('./connect-telephony.js'),
  ]);
  const instanceArn = requireEnv('CONNECT_INSTANCE_ARN');
  return new ConnectTelephony(new ConnectClient({ maxAttempts: 1 }), {
    instanceId: instanceArn.split('/').pop() ?? instanceArn,
    contactFlowId: process.env.CONTACT_FLOW_ID || undefined,
  });
});
