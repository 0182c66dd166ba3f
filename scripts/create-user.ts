/**
 * npx tsx scripts/create-user.ts --user-pool-id <UserPoolId output> --email a@example.com \
 *   --role tenant-admin|tenant-viewer|operator [--tenant <tenant id>] [--password <permanent password>]
 *
 * Uses the AWS credentials and region of the shell (AWS_PROFILE, AWS_REGION). Without --password Cognito
 * e-mails a temporary one, to be changed at first sign-in.
 */
import {
  CreateUserError,
  cognitoAdminFromSdk,
  createTenantUser,
  parseCreateUserArgs,
} from './lib/tenant-user.js';

try {
  const input = parseCreateUserArgs(process.argv.slice(2));
  const outcome = await createTenantUser(input, await cognitoAdminFromSdk());
  console.log(
    `${outcome} ${input.email} (${input.role}${input.tenantId ? `, tenant ${input.tenantId}` : ''})`,
  );
} catch (error) {
  console.error(error instanceof CreateUserError ? error.message : error);
  process.exitCode = 1;
}
