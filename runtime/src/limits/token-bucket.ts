/** A token bucket: `rate` tokens a second, holding at most `burst`; starts full. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Tokens available at `now` (after refill). */
  available(now: number): number {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
    }
    return this.tokens;
  }

  /** Takes `n` tokens; callers check `available` first. A cost above the burst costs the burst. */
  take(n: number): void {
    this.tokens -= Math.min(n, this.burst);
  }

  /** Whether `n` tokens could be taken at `now`. */
  has(n: number, now: number): boolean {
    return this.available(now) >= Math.min(n, this.burst);
  }
}
