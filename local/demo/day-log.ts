/**
 * What the demo records while the trading day runs: per loop the events it sent in, the effects it saw come out,
 * the latencies between them and the business invariants it checked. Times are wall-clock milliseconds; the
 * report shows them as offsets from the start of the day.
 */

/** The eleven loops of DESIGN.md, by number. */
export const LOOP_NAMES = {
  1: 'SCAYLE order -> OrderWise',
  2: 'SCAYLE cancel -> OrderWise',
  3: 'OrderWise stock -> SCAYLE',
  4: 'OrderWise despatch -> SCAYLE',
  5: 'SCAYLE stock/price -> Amazon',
  6: 'Amazon order -> SCAYLE',
  7: 'SCAYLE shipment -> Amazon',
  8: 'SCAYLE catalogue -> Amazon',
  9: 'Amazon settlement -> journal',
  10: 'money check',
  11: 'monitors',
} as const;

/** One of the eleven loops. */
export type LoopNumber = keyof typeof LOOP_NAMES;

/** The loops in order. */
export const LOOPS = Object.keys(LOOP_NAMES).map(Number) as LoopNumber[];

/** One line of a loop's timeline: something sent in, something that came out, or an exception raised. */
export interface TimelineEntry {
  /** Milliseconds since the day started. */
  readonly atMs: number;
  readonly kind: 'event' | 'effect' | 'exception';
  readonly text: string;
}

/** A business invariant the demo checked, with the evidence. */
export interface InvariantResult {
  readonly loop: LoopNumber;
  readonly invariant: string;
  readonly held: boolean;
  readonly detail: string;
}

interface LoopLog {
  eventsIn: number;
  effectsOut: number;
  readonly timeline: TimelineEntry[];
  readonly latenciesMs: number[];
}

/** The day's record, filled by the acts as they run. */
export class DayLog {
  readonly startedAt = Date.now();
  readonly invariants: InvariantResult[] = [];
  readonly #loops = new Map<LoopNumber, LoopLog>(
    LOOPS.map((loop) => [loop, { eventsIn: 0, effectsOut: 0, timeline: [], latenciesMs: [] }]),
  );

  /** Something sent into the loop at `at` (default now); `count` events when one line stands for several. */
  event(loop: LoopNumber, text: string, at: number | string = Date.now(), count = 1): void {
    const log = this.#of(loop);
    log.eventsIn += count;
    log.timeline.push({ atMs: this.#offset(at), kind: 'event', text });
  }

  /** Something the loop did in the systems it keeps in step, seen at `at`. */
  effect(loop: LoopNumber, text: string, at: number | string = Date.now(), count = 1): void {
    const log = this.#of(loop);
    log.effectsOut += count;
    log.timeline.push({ atMs: this.#offset(at), kind: 'effect', text });
  }

  /** An exception the loop raised, on its timeline. */
  exception(loop: LoopNumber, text: string, at: number | string): void {
    this.#of(loop).timeline.push({ atMs: this.#offset(at), kind: 'exception', text });
  }

  /** How long one event took to become its effect. Negative or unknown spans are left out. */
  latency(loop: LoopNumber, from: number | string | undefined, to: number | string | undefined): void {
    if (from === undefined || to === undefined) return;
    const ms = toMs(to) - toMs(from);
    if (Number.isFinite(ms) && ms >= 0) this.#of(loop).latenciesMs.push(ms);
  }

  /** Records an invariant and whether it held. */
  check(loop: LoopNumber, invariant: string, held: boolean, detail: string): void {
    this.invariants.push({ loop, invariant, held, detail });
  }

  /** What was recorded for a loop; its timeline sorted by time. */
  of(loop: LoopNumber): Readonly<LoopLog> {
    const log = this.#of(loop);
    return { ...log, timeline: [...log.timeline].sort((a, b) => a.atMs - b.atMs) };
  }

  #of(loop: LoopNumber): LoopLog {
    return this.#loops.get(loop) as LoopLog;
  }

  #offset(at: number | string): number {
    return Math.max(0, toMs(at) - this.startedAt);
  }
}

const toMs = (at: number | string): number => (typeof at === 'number' ? at : Date.parse(at));

/** The p-th percentile (nearest rank) of `values`, or undefined when there are none. */
export const percentile = (values: readonly number[], p: number): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

/**
 * Asks `probe` every `everyMs` until it returns a value or `deadline` (epoch ms) passes; returns the value or
 * undefined. A probe that throws is asked again: a broken loop must cost the demo its patience, never hang it.
 */
export const waitUntil = async <T>(
  probe: () => Promise<T | undefined> | T | undefined,
  deadline: number,
  everyMs = 1_000,
): Promise<T | undefined> => {
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }
};

/** `n thing` or `n things`. */
export const plural = (n: number, thing: string, things = `${thing}s`): string => `${n} ${n === 1 ? thing : things}`;

/** A list for evidence: the first few items, then how many more. */
export const listOf = (items: readonly string[], max = 6): string =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
