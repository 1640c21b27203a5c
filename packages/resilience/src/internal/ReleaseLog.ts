/**
 * When each answered request gives its TPS slot back, earliest first, as an amortised O(1) queue: the pacer
 * drops expired entries on every take, so a filter-and-copy array would make a busy client quadratic. Entries
 * never decrease (each is "now + window" on one clock), so the queue stays sorted by construction.
 */
export class ReleaseLog {
  private times: Array<number> = [];
  private head = 0;

  /** Slots still held. */
  get size(): number {
    return this.times.length - this.head;
  }

  /** The `i`-th earliest release time (zero-based). */
  at(i: number): number | undefined {
    return this.times[this.head + i];
  }

  /** Gives back every slot whose release time is at or before `now`. */
  expire(now: number): void {
    while (this.head < this.times.length && (this.times[this.head] ?? Infinity) <= now) this.head++;
    // Compact once the dead prefix dominates, so memory stays proportional to the slots still held.
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  /** Records `count` slots released at `time` (clamped so the queue stays sorted even if a clock steps back). */
  push(time: number, count: number): void {
    const last = this.times[this.times.length - 1];
    const at = last !== undefined && last > time ? last : time;
    for (let i = 0; i < count; i++) this.times.push(at);
  }
}
