/**
 * Bad command-line input that the CLI itself rejects: names the input and the rule it broke, so the one
 * stderr line tells the user what to fix. Exit code 2.
 */
export class UsageError extends Error {
  readonly _tag = "UsageError" as const;
  constructor(
    /** The offending input, as typed (never an API key). */
    readonly input: string,
    /** The rule it broke, phrased as what is expected. */
    readonly rule: string,
  ) {
    super(`${input}: ${rule}`);
    this.name = "UsageError";
  }
}

/**
 * Something named on the command line does not exist (e.g. a switch number the device does not have). Carries
 * the `NotFound` tag of the service's 404 so it maps to the same exit code, 4.
 */
export class NotFoundError extends Error {
  readonly _tag = "NotFound" as const;
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}
