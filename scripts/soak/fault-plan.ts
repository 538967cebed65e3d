import {
  DEPENDENCIES,
  type Dependency,
  FAULT_KINDS,
  type Faultable,
  type FaultKind,
  type Mode,
} from './faults';
import type { SeededRandom } from './random';

/** Chance per tick that a healthy dependency starts to fail. */
const START_CHANCE = 0.05;
/** How many ticks a fault lasts: 1 to this many. */
const LONGEST_FAULT_TICKS = 8;

export interface FaultEpisode {
  dependency: Dependency;
  kind: FaultKind;
  startTick: number;
  ticks: number;
}

/**
 * Which dependency fails when, and how: each tick, a healthy dependency starts a fault with a small chance, of
 * a kind drawn at random, for 1 to 8 ticks. Everything is drawn from the run's seed, so the same seed gives
 * the same episodes (what the code under test does with them may still vary with the machine's timing).
 */
export class FaultPlan {
  readonly episodes: FaultEpisode[] = [];
  readonly #random: SeededRandom;
  readonly #targets: Map<Dependency, Faultable[]>;
  readonly #active = new Map<Dependency, { episode: FaultEpisode; endsAt: number }>();
  readonly #onChange: (dependency: Dependency, mode: Mode) => void;

  constructor(
    random: SeededRandom,
    targets: Faultable[],
    onChange: (dependency: Dependency, mode: Mode) => void,
  ) {
    this.#random = random;
    this.#targets = new Map(
      DEPENDENCIES.map((dependency) => [
        dependency,
        targets.filter((target) => target.dependency === dependency),
      ]),
    );
    this.#onChange = onChange;
  }

  /** The faults of tick `tick`: ends those that are over, starts new ones. */
  step(tick: number): void {
    for (const dependency of DEPENDENCIES) {
      const active = this.#active.get(dependency);
      if (active && tick >= active.endsAt) {
        this.#active.delete(dependency);
        this.#set(dependency, 'healthy');
      }
      if (this.#active.has(dependency) || !this.#random.chance(START_CHANCE)) continue;
      const episode: FaultEpisode = {
        dependency,
        kind: this.#random.pick(FAULT_KINDS),
        startTick: tick,
        ticks: this.#random.between(1, LONGEST_FAULT_TICKS),
      };
      this.episodes.push(episode);
      this.#active.set(dependency, { episode, endsAt: tick + episode.ticks });
      this.#set(dependency, episode.kind);
    }
  }

  /** Every dependency healthy again: the drain at the end. */
  heal(): void {
    for (const dependency of [...this.#active.keys()]) {
      this.#active.delete(dependency);
      this.#set(dependency, 'healthy');
    }
  }

  modeOf(dependency: Dependency): Mode {
    return this.#active.get(dependency)?.episode.kind ?? 'healthy';
  }

  /** Fault episodes by dependency and kind: the soak's figures. */
  counts(): Record<string, Record<FaultKind, number>> {
    const counts: Record<string, Record<FaultKind, number>> = {};
    for (const { dependency, kind } of this.episodes) {
      counts[dependency] ??= Object.fromEntries(FAULT_KINDS.map((name) => [name, 0])) as Record<
        FaultKind,
        number
      >;
      counts[dependency][kind] += 1;
    }
    return counts;
  }

  #set(dependency: Dependency, mode: Mode): void {
    for (const target of this.#targets.get(dependency) ?? []) target.mode = mode;
    this.#onChange(dependency, mode);
  }
}
