/**
 * Partition directories, loaded once per read and shared: the stream of the same name emits the
 * records, fan-outs run over the ids. A directory's listings are paged concurrently, merged on the
 * id (the declaration says how) and sorted by id in code-unit order — stable across machines, and
 * what `<` compares — so checkpoints can say "every partition up to X is done".
 *
 * A fan-out runs for the whole read but needs only the ids and the few fields it copies onto its rows
 * (the declaration's `partitionFields`), so that is all a partition keeps (and only when a stream of
 * the read fans out). The full records (≈ 1 KB a member, with their role assignments) are kept only
 * until the streams that emit them have taken them: held for the read, they were the one part of the
 * heap that grew with the enterprise (issue 15.3).
 */
import type { ConnectorConfig } from '../config/resolve.js';
import type { DevinClient, RequestCounter } from '../devin/client.js';
import { endpointPath, type Scope } from '../devin/endpoints.js';
import { PAGE_SIZE, paginate } from '../devin/pagination.js';
import type { NormalizedRecord } from '../streams/normalize.js';
import type { DirectoryDeclaration, DirectoryListing, DirectoryName, PartitionRef, PlanContext, StreamDeclaration } from '../streams/types.js';
import { SkipLog } from './skips.js';

export interface DirectoryContext {
  client: Pick<DevinClient, 'getJson'>;
  scope: Scope;
  config: ConnectorConfig;
  today: number;
}

/** What one read asks of a directory: how many streams emit its records, how many fan out over it. */
export interface DirectoryReaders {
  records: number;
  fanOuts: number;
}

/** The readers of each directory among a read's streams. */
export function directoryReaders(streams: readonly StreamDeclaration[]): Map<DirectoryName, DirectoryReaders> {
  const readers = new Map<DirectoryName, DirectoryReaders>();
  const of = (name: DirectoryName): DirectoryReaders => {
    const found = readers.get(name) ?? { records: 0, fanOuts: 0 };
    readers.set(name, found);
    return found;
  };
  for (const { source } of streams) {
    if (source.kind === 'directory') of(source.directory).records += 1;
    else if (source.kind === 'day-windows' && source.partitions) of(source.partitions).fanOuts += 1;
  }
  return readers;
}

/** A loaded directory: the records until their last reader took them, and the fan-out view (if any fans out). */
interface Loaded {
  records: NormalizedRecord[] | undefined;
  partitions: readonly PartitionRef[] | undefined;
}

export class PartitionDirectory {
  readonly counter: RequestCounter = { requests: 0 };
  readonly skips = new SkipLog();
  private loading: Promise<Loaded> | undefined;
  private recordsLeft: number;

  constructor(
    readonly declaration: DirectoryDeclaration,
    private readonly context: DirectoryContext,
    private readonly readers: DirectoryReaders,
  ) {
    this.recordsLeft = readers.records;
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

  /** The fan-out view, in id order: each partition's id and `partitionFields` (built only when a stream fans out). */
  async partitions(): Promise<readonly PartitionRef[]> {
    const { partitions } = await this.loaded();
    if (!partitions) throw new Error(`no stream of this read fans out over the ${this.declaration.name} directory`);
    return partitions;
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
    return {
      records: this.recordsLeft > 0 ? records : undefined,
      partitions: this.readers.fanOuts > 0 ? records.map(({ data }) => partitionOf(data, declaration)) : undefined,
    };
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
    // Prefetched: a listing is read to its end, and the fan-outs wait for it.
    const request = { path, ...(listing.query ? { query: listing.query } : {}) };
    for await (const page of paginate(context.client, request, this.counter, PAGE_SIZE, undefined, { prefetch: true })) {
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

  /** `readers`: per directory, what the read's streams ask of it (see directoryReaders); none when absent. */
  constructor(
    private readonly declarations: Readonly<Record<DirectoryName, DirectoryDeclaration>>,
    private readonly context: DirectoryContext,
    private readonly readers: ReadonlyMap<DirectoryName, DirectoryReaders>,
  ) {}

  get(name: DirectoryName): PartitionDirectory {
    let directory = this.loaded.get(name);
    if (!directory) {
      directory = new PartitionDirectory(this.declarations[name], this.context, this.readers.get(name) ?? { records: 0, fanOuts: 0 });
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
