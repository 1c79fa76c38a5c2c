/**
 * What one long job (the accuracy replay) may take of the process. Every channel of every Nexus shares one thread, so
 * the job works in short slices and hands the thread back between them, stops at its budget, and runs one at a time:
 * a second at once would only halve the first one's share and double what the process holds.
 */
export type JobLimits = {
  /** the most a job may take from start to answer, loading included */
  budgetMs: number;
  /** the longest the job keeps the thread before letting other requests run */
  sliceMs: number;
};

export const LONG_JOB_LIMITS: JobLimits = { budgetMs: 60_000, sliceMs: 20 };

export const OUT_OF_TIME = Symbol('out of time');
export type OutOfTime = typeof OUT_OF_TIME;

export type Job = {
  /** Runs the steps to their result, sharing the thread; OUT_OF_TIME once the job's budget is spent. */
  run<T>(steps: Generator<void, T>): Promise<T | OutOfTime>;
  isOutOfTime(): boolean;
  end(): void;
};

export type LongJobs = {
  limits: JobLimits;
  /** The job, or null while another one runs. */
  start(): Job | null;
};

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `clock` reads milliseconds that only go forward (performance.now), not the request's `now`, which tests fix.
 * `handBack` lets other requests run between slices; a test can hold it to see them answered while a job is paused.
 */
export function longJobs(
  limits: JobLimits = LONG_JOB_LIMITS,
  clock: () => number = () => performance.now(),
  handBack: () => Promise<void> = nextTurn,
): LongJobs {
  let running = false;
  return {
    limits,
    start() {
      if (running) return null;
      running = true;
      const started = clock();
      const isOutOfTime = () => clock() - started >= limits.budgetMs;
      return {
        isOutOfTime,
        async run<T>(steps: Generator<void, T>): Promise<T | OutOfTime> {
          let slice = clock();
          for (;;) {
            if (isOutOfTime()) {
              steps.return(undefined as T);
              return OUT_OF_TIME;
            }
            const step = steps.next();
            if (step.done) return step.value;
            if (clock() - slice >= limits.sliceMs) {
              await handBack();
              slice = clock();
            }
          }
        },
        end() {
          running = false;
        },
      };
    },
  };
}

/** The process's long jobs with the configured budget (LONG_JOB_SECONDS). */
export function jobsOf(config: { LONG_JOB_SECONDS: number }): LongJobs {
  return longJobs({ ...LONG_JOB_LIMITS, budgetMs: config.LONG_JOB_SECONDS * 1_000 });
}

/** The process's own, for contexts built without one (tests, benchmarks). */
export const processJobs = longJobs();
