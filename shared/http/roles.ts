/** Roles arrive as Cognito groups in the verified token; a route names the roles it admits. */
export const ROLES = ['tenant-admin', 'tenant-viewer', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export const TENANT_READ: readonly Role[] = ['tenant-admin', 'tenant-viewer'];
export const TENANT_WRITE: readonly Role[] = ['tenant-admin'];
export const OPERATOR: readonly Role[] = ['operator'];

/** The token claims we rely on (Cognito ID/access token with an immutable custom attribute). */
export const TENANT_CLAIM = 'custom:tenant_id';
export const GROUPS_CLAIM = 'cognito:groups';
