/** Keys kept at most; beyond it, full buckets (the same as none) go first, then the oldest. */
const MAX_KEYS = 10_000;

/**
 * Token buckets by key (a sender's address, a Nexus): `perSecond` tokens a second, up to `burst`. In memory, so each
 * replica limits on its own: behind N replicas a sender gets up to N times the rate.
 */
export function tokenBuckets(
  opts: { perSecond: number; burst: number },
  clock: () => number = () => performance.now(),
) {
  const buckets = new Map<string, { tokens: number; at: number }>();

  function level(key: string): { tokens: number; at: number } {
    const now = clock();
    const bucket = buckets.get(key);
    if (!bucket) return { tokens: opts.burst, at: now };
    return { tokens: Math.min(opts.burst, bucket.tokens + ((now - bucket.at) / 1000) * opts.perSecond), at: now };
  }

  function forget(): void {
    for (const [key, bucket] of buckets) {
      if (buckets.size <= MAX_KEYS) return;
      if (bucket.tokens + ((clock() - bucket.at) / 1000) * opts.perSecond >= opts.burst) buckets.delete(key);
    }
    for (const key of buckets.keys()) {
      if (buckets.size <= MAX_KEYS) return;
      buckets.delete(key);
    }
  }

  return {
    /** Whole seconds to wait until `key` has a token again; 0 when it has one now. */
    waitSeconds(key: string): number {
      const { tokens } = level(key);
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / opts.perSecond);
    },
    /**
     * Takes a token and answers 0, or, when there is none, nothing taken and the whole seconds to wait (at least 1),
     * judged from one reading of the bucket: asked apart, a token could come between the refusal and the wait.
     */
    takeOrWait(key: string): number {
      const { tokens } = level(key);
      if (tokens < 1) return Math.ceil((1 - tokens) / opts.perSecond);
      return this.take(key) ? 0 : 1;
    },
    /** Takes a token: false, and nothing taken, when there is none. */
    take(key: string): boolean {
      const bucket = level(key);
      if (bucket.tokens < 1) return false;
      buckets.set(key, { tokens: bucket.tokens - 1, at: bucket.at });
      if (buckets.size > MAX_KEYS) forget();
      return true;
    },
  };
}

export type TokenBuckets = ReturnType<typeof tokenBuckets>;
