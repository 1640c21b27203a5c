/** How a stream reacts to a failed poll; errors are matched by `_tag` so any transport error union fits. */
export type Verdict =
  | { readonly kind: "fatal" }
  | { readonly kind: "rateLimited"; readonly retryInMs: number | undefined }
  | { readonly kind: "split" }
  | { readonly kind: "transient" };

const FATAL = new Set(["Unauthorized", "Forbidden", "NotPermitted", "NotFound", "BadRequest", "InvalidRequest"]);

const num = (u: unknown): number | undefined => (typeof u === "number" && Number.isFinite(u) ? u : undefined);

export const verdictOf = (error: unknown, nowMs: number): Verdict => {
  const tag = error !== null && typeof error === "object" ? (error as { readonly _tag?: unknown })._tag : undefined;
  if (typeof tag === "string" && FATAL.has(tag)) return { kind: "fatal" };
  // A window over the maximum is a 422, not truncated (api-facts): split it further rather than fail.
  if (tag === "Unprocessable") return { kind: "split" };
  if (tag === "RateLimited") {
    const e = error as { readonly retryAfter?: unknown; readonly resetAt?: unknown };
    const retryAfter = num(e.retryAfter);
    const resetAt = e.resetAt instanceof Date ? e.resetAt.getTime() : num(e.resetAt);
    const retryInMs =
      retryAfter !== undefined
        ? retryAfter * 1000
        : resetAt !== undefined
          ? Math.max(0, (resetAt < 1e12 ? resetAt * 1000 : resetAt) - nowMs)
          : undefined;
    return { kind: "rateLimited", retryInMs };
  }
  return { kind: "transient" };
};

/** Tracks consecutive failures and turns them into status events and back-off delays. */
export class Health {
  failures = 0;
  private reported: "ok" | "retrying" | "degraded" | "rateLimited" = "ok";
  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** After a success: an `ok` event if the stream had reported trouble. */
  ok(): "ok" | undefined {
    this.failures = 0;
    if (this.reported === "ok") return undefined;
    this.reported = "ok";
    return "ok";
  }

  /** After a failure: the status to report and the delay before the next poll. */
  fail(verdict: Verdict): { status: "retrying" | "degraded" | "rateLimited"; delayMs: number } {
    this.failures++;
    const backoff = Math.min(this.maxMs, this.baseMs * 2 ** (this.failures - 1));
    if (verdict.kind === "rateLimited") {
      this.reported = "rateLimited";
      return { status: "rateLimited", delayMs: verdict.retryInMs ?? backoff };
    }
    this.reported = this.failures >= 3 ? "degraded" : "retrying";
    return { status: this.reported, delayMs: backoff };
  }
}
