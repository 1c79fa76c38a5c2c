import { tokenBuckets } from '../../src/trackers/rate-limit';

describe('token buckets', () => {
  test('a refusal always says how long to wait, however close the next token is', () => {
    let now = 0;
    const buckets = tokenBuckets({ perSecond: 20, burst: 1 }, () => now);
    expect(buckets.takeOrWait('N1')).toBe(0); // the burst's one token
    now = 49.999; // a token is 0.02 µs away: refused, and told to wait a whole second
    expect(buckets.takeOrWait('N1')).toBe(1);
    // asked apart, as the webhook handler did, the token arrived in between and the wait read 0: a 429 without one
    now = 50.001;
    expect(buckets.waitSeconds('N1')).toBe(0);
    expect(buckets.takeOrWait('N1')).toBe(0);
    expect(buckets.takeOrWait('N2')).toBe(0); // keys apart
  });

  test('the wait covers the tokens missing at the rate', () => {
    let now = 0;
    const buckets = tokenBuckets({ perSecond: 0.5, burst: 1 }, () => now);
    expect(buckets.takeOrWait('S')).toBe(0);
    expect(buckets.takeOrWait('S')).toBe(2);
    now = 1_000;
    expect(buckets.takeOrWait('S')).toBe(1);
    now = 2_000;
    expect(buckets.takeOrWait('S')).toBe(0);
  });
});
