import { SeededRandom } from './random';

const MINUTE_MS = 60_000;

/**
 * What the soak's rules watch: one series per rule, a value per minute that stays calm (5 to 40) or breaches
 * (60 to 100) for stretches of a few minutes, switching at random. Each series has a random stream of its own
 * (from the run's seed and the series' name), so a value depends only on the seed and the minute, whatever
 * order the evaluator asks in. After `freeze`, every series keeps its last value: the drain at the end adds no
 * new transitions.
 */
export class MetricWorld {
  readonly #seed: number;
  readonly #startMinute: number;
  readonly #series = new Map<string, { random: SeededRandom; values: number[]; breaching: boolean }>();
  #frozenAt: number | undefined;

  constructor(seed: number, start: Date) {
    this.#seed = seed;
    this.#startMinute = Math.floor(start.getTime() / MINUTE_MS) - 120;
  }

  /** The value of `series` in the minute that starts at `minuteStart`. */
  valueAt(series: string, minuteStart: Date): number {
    let index = Math.floor(minuteStart.getTime() / MINUTE_MS) - this.#startMinute;
    if (index < 0) return 10;
    if (this.#frozenAt !== undefined) index = Math.min(index, this.#frozenAt - this.#startMinute);
    const state = this.#stateOf(series);
    while (state.values.length <= index) {
      if (state.random.chance(0.12)) state.breaching = !state.breaching;
      state.values.push(state.breaching ? state.random.between(60, 100) : state.random.between(5, 40));
    }
    return state.values[index] as number;
  }

  /** From `at` on, every series keeps the value it has then. */
  freeze(at: Date): void {
    this.#frozenAt = Math.floor(at.getTime() / MINUTE_MS);
  }

  #stateOf(series: string) {
    let state = this.#series.get(series);
    if (!state) {
      let hash = this.#seed;
      for (const character of series) hash = (Math.imul(hash, 31) + (character.codePointAt(0) ?? 0)) >>> 0;
      state = { random: new SeededRandom(hash), values: [], breaching: false };
      this.#series.set(series, state);
    }
    return state;
  }
}

/** The soak's clock: one evaluated minute per tick, 5 s past the minute as a schedule fires. */
export class SoakClock {
  #now: Date;

  constructor(start: Date) {
    this.#now = new Date(Math.floor(start.getTime() / MINUTE_MS) * MINUTE_MS + 5_000);
  }

  now(): Date {
    return this.#now;
  }

  advance(): void {
    this.#now = new Date(this.#now.getTime() + MINUTE_MS);
  }
}
