/**
 * The times of recent grants, oldest first, as an amortised O(1) queue: the pacer prunes it on every take, so a
 * filter-and-copy array would make a busy client quadratic.
 */
export class GrantLog {
  private times: Array<number> = [];
  private head = 0;

  /** Grants still in the log. */
  get size(): number {
    return this.times.length - this.head;
  }

  /** The `i`-th oldest grant (zero-based). */
  at(i: number): number | undefined {
    return this.times[this.head + i];
  }

  /** Drops grants at or before `cutoff`, and all but the newest `keep`. */
  prune(cutoff: number, keep: number): void {
    while (this.head < this.times.length && ((this.times[this.head] ?? Infinity) <= cutoff || this.size > keep)) this.head++;
    // Compact once the dead prefix dominates, so memory stays proportional to the live window.
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  /** Records `count` grants at `time` (times never decrease: they come from one clock under one lock). */
  push(time: number, count: number): void {
    for (let i = 0; i < count; i++) this.times.push(time);
  }
}
