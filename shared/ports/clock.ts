/**
 * The clock every rule reads "now" from. In AWS it is the system clock; the local runtime installs a test
 * clock (PUT /local/clock) that handlers, jobs, streams and simulated calls all see, so a customer's month
 * can be replayed at fixed instants and no test depends on the day it runs.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves forward, set by hand (the local runtime's test clock, tests). */
export class TestClock implements Clock {
  private instant: number | undefined;

  constructor(start?: Date | string) {
    if (start !== undefined) this.set(start);
  }

  /** True while a fixed instant is in force; otherwise `now()` is the system clock. */
  get frozen(): boolean {
    return this.instant !== undefined;
  }

  now(): Date {
    return new Date(this.instant ?? Date.now());
  }

  /**
   * Freezes the clock at `to`. The first freeze may name any instant (a test clock starts where the test
   * needs it, as Stripe's do); after that it only moves forward, as time never runs backwards for the product.
   */
  set(to: Date | string): Date {
    const at = typeof to === 'string' ? Date.parse(to) : to.getTime();
    if (Number.isNaN(at)) throw new RangeError('clock: not an ISO-8601 instant');
    if (this.instant !== undefined && at < this.instant) {
      throw new RangeError('clock: the test clock only moves forward');
    }
    this.instant = at;
    return new Date(at);
  }

  advance(ms: number): Date {
    return this.set(new Date(this.now().getTime() + ms));
  }

  /** Returns to real time (refused while real time is behind the frozen instant). */
  release(): void {
    if (this.instant !== undefined && Date.now() < this.instant) {
      throw new RangeError('clock: real time is behind the test clock; it only moves forward');
    }
    this.instant = undefined;
  }
}
