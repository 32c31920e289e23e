import type { ConnectorRecord } from '../../sync/connector';
import type { DeltaPage } from '../../sync/delta';
import type { GroupLink, RunRecord, UserLink } from '../../sync/run-record';
import type { Dependencies } from '../ports';

export interface Lease {
  readonly runId: string;
  readonly until: string;
  readonly holder?: string;
}

/** A page of link items and where the next starts (absent on the last). */
export interface LinkPage<T> {
  readonly items: readonly T[];
  readonly cursor?: string;
}

/** Raised when a run's lease is held by another run (one run at a time per tenant). */
export class LeaseLost extends Error {
  constructor(tenantId: string) {
    super(`Another sync run of tenant ${tenantId} holds the lease`);
    this.name = 'LeaseLost';
  }
}

/** The sync's own items: connectors, runs, the per-tenant lease and the Graph ↔ SCIM links. */
export interface SyncStore {
  getConnector(tenantId: string): Promise<ConnectorRecord | undefined>;
  /** Writes the connector; conditional on `expectedVersion` (absent: must not exist). Throws ConnectorConflict. */
  putConnector(connector: ConnectorRecord, expectedVersion?: number): Promise<void>;
  /** Deletes the connector, its lease and links (runs stay, for `sync status`). */
  deleteConnector(tenantId: string): Promise<void>;
  /** Every connector (the dispatcher's list; one Query of the connector registry). */
  listConnectors(): Promise<ConnectorRecord[]>;
  /**
   * Takes the tenant's lease until `until` when it is free or expired. Without `holder` it reserves
   * the lease for a queued run; with one, a slice of work takes it, which it may also do when the
   * lease is `runId`'s and no slice holds it (a queued run, or one handed off between slices).
   */
  acquireLease(tenantId: string, runId: string, until: string, now: string, holder?: string): Promise<boolean>;
  /** The run holding the tenant's lease, until when, and the slice working on it (absent between slices). */
  getLease(tenantId: string): Promise<Lease | undefined>;
  createRun(run: RunRecord): Promise<void>;
  getRun(tenantId: string, runId: string): Promise<RunRecord | undefined>;
  /**
   * Saves the run's checkpoint with a change of the lease `holder` holds, in one transaction: extend
   * it to `until`, hand it off (extend, and let the run's next slice take it), or release it (no
   * `until`). Throws LeaseLost when the holder no longer holds it.
   */
  saveRun(
    run: RunRecord,
    lease: { readonly holder: string; readonly until?: string; readonly handoff?: boolean },
  ): Promise<void>;
  /** Saves a run that holds no lease (a queued or abandoned run's record). */
  putRun(run: RunRecord): Promise<void>;
  /** The tenant's runs, newest first. */
  listRuns(tenantId: string, limit: number): Promise<RunRecord[]>;
  getUserLinks(tenantId: string, graphIds: readonly string[]): Promise<Map<string, UserLink>>;
  getGroupLinks(tenantId: string, graphIds: readonly string[]): Promise<Map<string, GroupLink>>;
  putLinks(tenantId: string, users: readonly UserLink[], groups: readonly GroupLink[]): Promise<void>;
  deleteLinks(tenantId: string, users: readonly string[], groups: readonly string[]): Promise<void>;
  listUserLinks(tenantId: string, limit: number, cursor?: string): Promise<LinkPage<UserLink>>;
  listGroupLinks(tenantId: string, limit: number, cursor?: string): Promise<LinkPage<GroupLink>>;
}

/** A connector's client secret (Secrets Manager in AWS, a file under the data dir locally). Never logged. */
export interface ConnectorSecrets {
  put(tenantId: string, secret: string): Promise<void>;
  /** The secret, or undefined when none is stored. */
  get(tenantId: string): Promise<string | undefined>;
  delete(tenantId: string): Promise<void>;
}

/** Graph as the sync reads it: one delta page at a time (the adapter signs in, retries and checks links). */
export interface GraphSource {
  page(url: string): Promise<DeltaPage>;
  /** Requests sent and throttling waited out so far (for the run's counts). */
  readonly stats: { readonly requests: number; readonly throttled: number };
}

export type GraphSourceFactory = (connector: ConnectorRecord, secret: string) => GraphSource;

/** What the sync use cases need besides the SCIM ones. */
export interface SyncDependencies extends Dependencies {
  readonly sync: SyncStore;
  readonly secrets: ConnectorSecrets;
  readonly graph: GraphSourceFactory;
  /** Tenant URLs are `<tenantUrlBase>/<tenantId>` (events render resources' locations with it). */
  readonly tenantUrlBase: string;
}
