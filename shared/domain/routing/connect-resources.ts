/**
 * The Amazon Connect resources a routing configuration becomes (hours of operation, queues, routing
 * profiles), as the routing plan decides them and the telephony port applies them.
 */
export type ConnectWeekday =
  | 'MONDAY'
  | 'TUESDAY'
  | 'WEDNESDAY'
  | 'THURSDAY'
  | 'FRIDAY'
  | 'SATURDAY'
  | 'SUNDAY';

export interface HoursOfOperationSpec {
  readonly name: string;
  readonly description: string;
  readonly timeZone: string;
  /** Open slices; minutes since midnight, end may be 1440 (stored as 23:59 in Connect). */
  readonly slices: readonly {
    readonly day: ConnectWeekday;
    readonly startMinute: number;
    readonly endMinute: number;
  }[];
  /** Closed date ranges (holidays), YYYY-MM-DD inclusive, each with a stable name. */
  readonly closures: readonly { readonly name: string; readonly from: string; readonly till: string }[];
}

export interface QueueSpec {
  readonly name: string;
  readonly description: string;
  readonly hoursOfOperationId: string;
}

export interface RoutingProfileSpec {
  readonly name: string;
  readonly description: string;
  /** Lower priority is served first; VIP queues get 1, normal queues 2. */
  readonly queues: readonly {
    readonly queueId: string;
    readonly priority: number;
    readonly delaySeconds: number;
  }[];
  readonly defaultOutboundQueueId: string;
}
