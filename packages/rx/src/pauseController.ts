import { BehaviorSubject, distinctUntilChanged } from "rxjs";
import type { Observable } from "rxjs";

/**
 * Pause and resume handle for streams: pass `active$` as a stream option, then `pause()` stops polling (timers
 * and in-flight requests are cancelled) and `resume()` continues from the same watermark.
 *
 * @category models
 */
export interface PauseController {
  readonly active$: Observable<boolean>;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
}

/**
 * Creates a {@link PauseController}; several streams may share one (e.g. driven by page visibility).
 *
 * @example
 * ```ts no-run: needs a browser (document)
 * import { parseDeviceId } from "@wattstream/core";
 * import { pauseController, device$ } from "@wattstream/rx";
 * const ctl = pauseController();
 * device$(client, parseDeviceId("D123456789012"), { active$: ctl.active$ }).subscribe(console.log);
 * document.addEventListener("visibilitychange", () => (document.hidden ? ctl.pause() : ctl.resume()));
 * ```
 * @category constructors
 */
export const pauseController = (initiallyActive = true): PauseController => {
  const subject = new BehaviorSubject(initiallyActive);
  return {
    active$: subject.pipe(distinctUntilChanged()),
    pause: () => subject.next(false),
    resume: () => subject.next(true),
    get paused() {
      return !subject.value;
    },
  };
};
