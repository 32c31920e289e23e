import type { Clock } from '../ports';

interface Entry<V> {
  readonly value: V;
  readonly loaded: number;
  readonly expires: number;
}

/**
 * A per-container TTL cache for values that change rarely (tenant records, the token keyring).
 * When a refresh fails and a value is cached, the stale value keeps serving (a Secrets Manager
 * outage must not lock every tenant out); without one, the failure propagates.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly pending = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly maxEntries = 1000,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    const now = this.clock.now().getTime();
    if (entry && entry.expires > now) return entry.value;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const loading = load()
      .then((value) => {
        if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
        const loaded = this.clock.now().getTime();
        this.entries.set(key, { value, loaded, expires: loaded + this.ttlMs });
        return value;
      })
      .catch((error: unknown) => {
        if (entry) return entry.value;
        throw error;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, loading);
    return loading;
  }

  /** How long ago the cached value was loaded, in ms; Infinity when nothing is cached. */
  age(key: string): number {
    const entry = this.entries.get(key);
    return entry ? this.clock.now().getTime() - entry.loaded : Number.POSITIVE_INFINITY;
  }

  /** Makes the next get load again, still falling back to the cached value if that load fails. */
  expire(key: string): void {
    const entry = this.entries.get(key);
    if (entry) this.entries.set(key, { ...entry, expires: Number.NEGATIVE_INFINITY });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
