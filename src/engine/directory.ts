/**
 * Partition directories, loaded once per read and shared: the stream of the same name emits the
 * records, fan-outs run over the ids. A directory's listings are paged concurrently, merged on the
 * id (the declaration says how) and sorted by id in code-unit order — stable across machines, and
 * what `<` compares — so checkpoints can say "every partition up to X is done".
 *
 * A fan-out runs for the whole read but needs only the ids and the few fields it copies onto its rows
 * (the declaration's `partitionFields`), so that is all a partition keeps. The full records (≈ 1 KB
 * a member, with their role assignments) are kept only until the streams that emit them have taken
 * them: held for the read, they were the one part of the heap that grew with the enterprise.
 */
import type { ConnectorConfig } from '../config/resolve.js';
import type { DevinClient, RequestCounter } from '../devin/client.js';
import { endpointPath, type Scope } from '../devin/endpoints.js';
import { paginate } from '../devin/pagination.js';
import type { NormalizedRecord } from '../streams/normalize.js';
import type { DirectoryDeclaration, DirectoryListing, DirectoryName, PartitionRef, PlanContext } from '../streams/types.js';
import { SkipLog } from './skips.js';

export interface DirectoryContext {
  client: Pick<DevinClient, 'getJson'>;
  scope: Scope;
  config: ConnectorConfig;
  today: number;
}

/** A loaded directory: the records until their last reader took them, and the fan-out view. */
interface Loaded {
  records: NormalizedRecord[] | undefined;
  partitions: readonly PartitionRef[];
}

export class PartitionDirectory {
  readonly counter: RequestCounter = { requests: 0 };
  readonly skips = new SkipLog();
  private loading: Promise<Loaded> | undefined;
  private recordsLeft: number;

  /** `recordReaders`: how many streams of this read will ask for the records (the directory's own stream). */
  constructor(
    readonly declaration: DirectoryDeclaration,
    private readonly context: DirectoryContext,
    recordReaders: number,
  ) {
    this.recordsLeft = recordReaders;
  }

  /**
   * Every record, sorted by id, once for each of the read's record readers; the last one's call lets
   * them go (a later call is a bug, and says so, rather than asking the API again).
   */
  async records(): Promise<NormalizedRecord[]> {
    const loaded = await this.loaded();
    const { records } = loaded;
    if (!records) throw new Error(`the ${this.declaration.name} directory's records were already handed to every reader`);
    this.recordsLeft -= 1;
    if (this.recordsLeft <= 0) loaded.records = undefined;
    return records;
  }

  /** The fan-out view, in id order: each partition's id and `partitionFields`. */
  async partitions(): Promise<readonly PartitionRef[]> {
    return (await this.loaded()).partitions;
  }

  /** The API is asked once however often this is called. */
  private loaded(): Promise<Loaded> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<Loaded> {
    const { declaration, context } = this;
    const listings = await Promise.all(declaration.listings(context.config).map((listing) => this.list(listing)));
    // The later listings merge into the first, each let go once merged: while a large directory
    // loads, its records are most of the heap, so no second copy of the map is made.
    const merged = listings.shift() ?? new Map<string, NormalizedRecord>();
    for (let listing = listings.shift(); listing; listing = listings.shift()) {
      for (const [id, record] of listing) {
        const first = merged.get(id);
        merged.set(id, first ? declaration.merge(first, record) : record);
      }
    }
    const records = [...merged.keys()].sort(compareIds).map((id) => merged.get(id) as NormalizedRecord);
    const partitions = records.map(({ data }) => partitionOf(data, declaration));
    return { records: this.recordsLeft > 0 ? records : undefined, partitions };
  }

  private async list(listing: DirectoryListing): Promise<Map<string, NormalizedRecord>> {
    const { declaration, context } = this;
    const ctx: PlanContext = {
      scope: context.scope,
      orgId: context.scope.kind === 'organization' ? context.scope.orgId : null,
      today: context.today,
      skipRow: (reason) => this.skips.add(reason),
    };
    const records = new Map<string, NormalizedRecord>();
    const path = endpointPath(context.scope, listing.endpoint);
    for await (const page of paginate(context.client, { path, ...(listing.query ? { query: listing.query } : {}) }, this.counter)) {
      for (const item of page.items) {
        const record = declaration.fromItem(item, listing, ctx);
        if (!record) continue;
        const id = record.data[declaration.idField] as string;
        // An item on two pages (the list shifted while we paged) is still one partition.
        if (records.has(id)) this.skips.add(`a ${listing.name} ${declaration.itemLabel} listed twice`);
        else records.set(id, record);
      }
    }
    return records;
  }
}

/** One read's directories, created on first use. */
export class Directories {
  private readonly loaded = new Map<DirectoryName, PartitionDirectory>();

  /** `recordReaders`: per directory, how many of the read's streams emit its records (none: 0). */
  constructor(
    private readonly declarations: Readonly<Record<DirectoryName, DirectoryDeclaration>>,
    private readonly context: DirectoryContext,
    private readonly recordReaders: ReadonlyMap<DirectoryName, number>,
  ) {}

  get(name: DirectoryName): PartitionDirectory {
    let directory = this.loaded.get(name);
    if (!directory) {
      directory = new PartitionDirectory(this.declarations[name], this.context, this.recordReaders.get(name) ?? 0);
      this.loaded.set(name, directory);
    }
    return directory;
  }
}

function partitionOf(data: NormalizedRecord['data'], declaration: DirectoryDeclaration): PartitionRef {
  const fields: Record<string, unknown> = {};
  for (const field of declaration.partitionFields) fields[field] = data[field];
  return { id: data[declaration.idField] as string, fields };
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
