/** Which tenants exist, for use cases that name another tenant (a transfer offer). Read-only. */
export interface TenantDirectory {
  /** True when the tenant has an account (the ledger's account item). */
  exists(tenantId: string): Promise<boolean>;
}
