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

  /** Whole seconds until a bucket this level has a token (at least 1); 0 when it has one. */
  const waitFor = (tokens: number) => (tokens >= 1 ? 0 : Math.ceil((1 - tokens) / opts.perSecond));

  /**
   * Takes a token and answers 0, or, when there is none, nothing taken and the whole seconds to wait, judged from one
   * reading of the bucket: asked apart, a token could come between the refusal and the wait.
   */
  function takeOrWait(key: string): number {
    const bucket = level(key);
    const wait = waitFor(bucket.tokens);
    if (wait > 0) return wait;
    buckets.set(key, { tokens: bucket.tokens - 1, at: bucket.at });
    if (buckets.size > MAX_KEYS) forget();
    return 0;
  }

  return {
    /** Whole seconds to wait until `key` has a token again; 0 when it has one now. */
    waitSeconds: (key: string): number => waitFor(level(key).tokens),
    takeOrWait,
    /** Takes a token: false, and nothing taken, when there is none. */
    take: (key: string): boolean => takeOrWait(key) === 0,
  };
}

export type TokenBuckets = ReturnType<typeof tokenBuckets>;
