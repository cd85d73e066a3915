/**
 * The sessions one server may have open at once, as a semaphore: every session the worker
 * opens takes a slot first and gives it back when it is closed, so no code path (a lane,
 * discovery, a reconnect after a half-open connection) can exceed the cap.
 */
export const SESSIONS_PER_SERVER = 2;

export class SessionSlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly capacity = SESSIONS_PER_SERVER) {}

  get inUse(): number {
    return this.used;
  }

  /** Resolves with the slot's release function (idempotent) once a slot is free. */
  async acquire(): Promise<() => void> {
    if (this.used < this.capacity) this.used += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // hand the slot straight to the next waiter, or free it
      if (next) next();
      else this.used -= 1;
    };
  }
}
