/**
 * What a number's change of hands needs from routing: its routing cleared for the next owner. Implemented
 * on the routing store's items (shared/adapters/dynamo/routing-hand-over.ts); numbers calls it as a lifecycle effect.
 */
export interface RoutingHandOver {
  /**
   * Removes the number's routing configuration (head and every version), its applied state, and the
   * routing fields of the access number's call snapshot (the number fields numbers wrote stay). With
   * `previousOwner`, only what that tenant configured and applied goes: a configuration the next owner
   * wrote meanwhile stays. Safe to repeat.
   */
  clear(
    number: string,
    options?: { readonly previousOwner?: string; readonly accessNumber?: string },
  ): Promise<void>;
}
