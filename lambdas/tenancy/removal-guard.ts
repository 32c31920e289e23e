/**
 * The accidental-deletion guard of a tenant (docs/removal-guard.md): how many user removals
 * (deletes and deactivations together, from SCIM or the Graph sync) may be published within a
 * window before further removals are held for an admin to release or reject. Pure: the counting
 * lives in the guard store, the decisions here.
 */
export interface GuardSettings {
  /** Off: removals are never held (a hold already in force stays until released or rejected). */
  readonly enabled: boolean;
  /** Removals allowed within the window; the next one starts a hold. */
  readonly maxRemovals: number;
  /** Also a share of the tenant's users, when set: the smaller of the two limits applies. */
  readonly percent?: number;
  readonly windowSeconds: number;
}

/**
 * On by default, with Entra's own default threshold of accidental deletions prevention (500
 * removals) per hour: a scoping mistake in Entra removes thousands of users in one cycle, while a
 * normal day's leavers stay far below it.
 */
export const DEFAULT_GUARD_SETTINGS: GuardSettings = { enabled: true, maxRemovals: 500, windowSeconds: 3600 };

export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 7 * 24 * 3600;
/** Far above any directory's size; keeps a typo from switching the guard off in effect. */
export const MAX_REMOVALS_LIMIT = 1_000_000;

/** A refused guard setting (the CLI answers it with exit code 1, nothing changed). */
export class GuardSettingsError extends Error {
  override readonly name = 'GuardSettingsError';
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `1h`, `2d` → seconds, within MIN/MAX_WINDOW_SECONDS. */
export function parseWindow(text: string): number {
  const match = /^(\d{1,7})([smhd])$/.exec(text.trim());
  if (!match) throw new GuardSettingsError(`--window "${text}" is not a duration like 30m, 1h or 2d.`);
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
  if (seconds < MIN_WINDOW_SECONDS || seconds > MAX_WINDOW_SECONDS)
    throw new GuardSettingsError(`--window must be between 1m and 7d (got ${text}).`);
  return seconds;
}

/** Seconds → the largest whole unit (`3600` → `1h`, `5400` → `90m`). */
export function formatWindow(seconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNIT_SECONDS[unit] as number;
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** A whole number of removals, 1 or more. */
export function parseMaxRemovals(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1 || value > MAX_REMOVALS_LIMIT) {
    throw new GuardSettingsError(
      `--max-removals must be a whole number from 1 to ${MAX_REMOVALS_LIMIT} (got ${text}).`,
    );
  }
  return value;
}

/** A share of the tenant's users above 0 and at most 100, or `none` to count removals only. */
export function parsePercent(text: string): number | undefined {
  if (text.trim() === 'none') return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0) || value > 100)
    throw new GuardSettingsError(`--percent must be above 0 and at most 100, or none (got ${text}).`);
  return value;
}

/**
 * Removals counted in two fixed windows: the current one (index = time / window) and the one before
 * it. A single atomic counter per window gives every removal its exact ordinal, so concurrent
 * removals never both slip under the limit.
 */
export interface RemovalWindow {
  readonly index: number;
  readonly current: number;
  readonly previous: number;
}

export function windowIndexOf(atMs: number, windowSeconds: number): number {
  return Math.floor(atMs / (windowSeconds * 1000));
}

/**
 * Removals within the last `windowSeconds` at `atMs`, estimated as a sliding window: the current
 * window's count plus the previous window's, weighted by how much of it the sliding window still
 * covers (so a burst across a window boundary is still one burst).
 */
export function removalsInWindow(window: RemovalWindow, atMs: number, windowSeconds: number): number {
  const length = windowSeconds * 1000;
  const elapsed = (atMs - window.index * length) / length;
  return window.current + window.previous * Math.max(0, 1 - elapsed);
}

/** How many removals the window allows, given the tenant's user count (used when `percent` is set). */
export function removalLimit(settings: GuardSettings, users: number): number {
  if (settings.percent === undefined) return settings.maxRemovals;
  return Math.min(settings.maxRemovals, Math.max(1, Math.floor((settings.percent * users) / 100)));
}

/** A hold in force: every removal from `since` on is held until an admin releases or rejects them. */
export interface Hold {
  readonly id: string;
  readonly since: string;
}

/** What a held change was, as the CLI lists it. */
export type HeldOperation = 'delete' | 'deactivate' | 'update';
