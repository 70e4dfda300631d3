/**
 * The playground's virtual clock. Running, it follows real time from an offset; paused, it
 * stands still and nothing fires. `advance` and `skipToNextTimer` move it forward at once,
 * firing every timer that comes due, so `Timer.delay("2h")` is one click.
 * @module
 */

/** What the clock panel shows. */
export interface ClockState {
  /** Virtual milliseconds since the epoch. */
  now: number;
  paused: boolean;
  /** Whether timers fire as soon as they are set (the clock jumps to them). */
  autoSkip: boolean;
  /** Virtual time of the next scheduled timer, or null. */
  nextTimer: number | null;
}

interface Scheduled {
  at: number;
  fire: () => void;
}

/**
 * A virtual clock with timers.
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * clock.pause();
 * clock.schedule(clock.now() + 7_200_000, () => console.log("two hours later"));
 * clock.skipToNextTimer(); // logs at once
 * ```
 */
export class VirtualClock {
  #offset = 0;
  #pausedAt: number | null = null;
  #autoSkip = false;
  #timers = new Set<Scheduled>();
  #wake: ReturnType<typeof setTimeout> | null = null;
  #listeners = new Set<(state: ClockState) => void>();

  /** Current virtual time in milliseconds since the epoch. */
  now(): number {
    return this.#pausedAt ?? Date.now() + this.#offset;
  }

  /** Runs `fire` when the clock reaches `at`; returns a function that cancels it. */
  schedule(at: number, fire: () => void): () => void {
    const timer = { at, fire };
    this.#timers.add(timer);
    this.#arm();
    return () => {
      this.#timers.delete(timer);
      this.#arm();
    };
  }

  pause(): void {
    if (this.#pausedAt === null) this.#pausedAt = this.now();
    this.#arm();
  }

  resume(): void {
    if (this.#pausedAt === null) return;
    this.#offset = this.#pausedAt - Date.now();
    this.#pausedAt = null;
    this.#arm();
  }

  /** Makes every timer fire as soon as it is set (unless paused), or stops doing so. */
  setAutoSkip(on: boolean): void {
    this.#autoSkip = on;
    this.#arm();
  }

  /** Moves the clock `ms` forward, firing what comes due in order. */
  advance(ms: number): void {
    const target = this.now() + Math.max(0, ms);
    for (let next = this.#due(target); next; next = this.#due(target)) {
      this.#moveTo(next.at);
      this.#timers.delete(next);
      next.fire();
    }
    this.#moveTo(target);
    this.#arm();
  }

  /** Jumps to the next timer and fires it (and any due at the same instant); false if none. */
  skipToNextTimer(): boolean {
    const next = this.nextTimer();
    if (next === null) return false;
    this.advance(Math.max(0, next - this.now()));
    return true;
  }

  nextTimer(): number | null {
    let next: number | null = null;
    for (const timer of this.#timers) if (next === null || timer.at < next) next = timer.at;
    return next;
  }

  state(): ClockState {
    return {
      now: this.now(),
      paused: this.#pausedAt !== null,
      autoSkip: this.#autoSkip,
      nextTimer: this.nextTimer(),
    };
  }

  /** Calls `listener` with the new state after every change; returns the unsubscribe. */
  onChange(listener: (state: ClockState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops the real-time wake-up; scheduled timers stay but never fire. */
  dispose(): void {
    if (this.#wake !== null) clearTimeout(this.#wake);
    this.#wake = null;
    this.#timers.clear();
  }

  #due(target: number): Scheduled | null {
    let first: Scheduled | null = null;
    for (const timer of this.#timers) {
      if (timer.at <= target && (first === null || timer.at < first.at)) first = timer;
    }
    return first;
  }

  #moveTo(at: number): void {
    if (at <= this.now()) return;
    if (this.#pausedAt !== null) this.#pausedAt = at;
    else this.#offset += at - this.now();
  }

  #arm(): void {
    if (this.#wake !== null) clearTimeout(this.#wake);
    this.#wake = null;
    const next = this.nextTimer();
    if (next !== null && this.#pausedAt === null) {
      const delay = Math.min(Math.max(0, next - this.now()), 2 ** 31 - 1);
      this.#wake = this.#autoSkip
        ? setTimeout(() => this.skipToNextTimer(), 0)
        : setTimeout(() => this.advance(0), delay);
    }
    const state = this.state();
    for (const listener of this.#listeners) listener(state);
  }
}
