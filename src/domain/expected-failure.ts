/**
 * An expected failure that has to cross a throw: a decision that refused inside a transaction (the throw rolls it
 * back, and the repository hands the refusal back as its outcome), or a change made whose answer Slack would not show
 * (it reaches the one app.error handler). The one error class for them: `code` says which failure it is (Bolt passes
 * an error with a `code` to app.error as it is; the log shows it), `data` holds what render needs to word it. It never
 * holds words a person reads: src/render words it. A bug is a plain Error.
 */
export class ExpectedFailure<D = unknown> extends Error {
  constructor(
    readonly code: string,
    readonly data: D,
    options?: { cause?: unknown },
  ) {
    super(code, options);
    this.name = 'ExpectedFailure';
  }
}

/** A problem (`{ problem: '<code>', …facts }`) thrown: its code is the problem's, its data the problem itself. */
export const thrownProblem = <P extends { problem: string }>(problem: P): ExpectedFailure<P> =>
  new ExpectedFailure(problem.problem, problem);

/**
 * The codes of failures that reach the person through app.error (render/apology.ts words each): a change made whose
 * answer could not be sent, and a workspace the app is no longer installed in (Bolt's authorization error).
 */
export const ANSWER_NOT_SHOWN = 'nexus_flow_answer_not_shown';
export const NOT_INSTALLED = 'not-installed';
