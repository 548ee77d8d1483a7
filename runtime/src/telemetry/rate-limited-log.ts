/**
 * At most one log line per key per interval: the first occurrence is logged at once, later
 * ones are counted and reported (as `count`, the occurrences since the last line) with the
 * first occurrence after the interval has passed.
 */
export class RateLimitedLog<K extends string = string> {
  private readonly state = new Map<K, { last: number; pending: number }>();

  constructor(
    readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes `count` occurrences of `key`; calls `emit` with the count to log when a line is due. */
  note(key: K, count: number, emit: (count: number) => void): void {
    const t = this.now();
    let s = this.state.get(key);
    if (!s) {
      s = { last: -Infinity, pending: 0 };
      this.state.set(key, s);
    }
    s.pending += count;
    if (t - s.last < this.intervalMs) return;
    const n = s.pending;
    s.last = t;
    s.pending = 0;
    emit(n);
  }
}
