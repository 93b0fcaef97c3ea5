/**
 * Partition directories, loaded once per read and shared: the stream of the same name emits the
 * records, fan-outs run over the ids. A directory's listings are paged concurrently, merged on the
 * id (the declaration says how) and sorted by id in code-unit order — stable across machines, and
 * what `<` compares — so checkpoints can say "every partition up to X is done".
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

export class PartitionDirectory {
  readonly counter: RequestCounter = { requests: 0 };
  readonly skips = new SkipLog();
  private loading: Promise<NormalizedRecord[]> | undefined;

  constructor(
    readonly declaration: DirectoryDeclaration,
    private readonly context: DirectoryContext,
  ) {}

  /** Every record, sorted by id; the API is asked once however often this is called. */
  records(): Promise<NormalizedRecord[]> {
    this.loading ??= this.load();
    return this.loading;
  }

  /** The fan-out view, in id order. */
  async partitions(): Promise<PartitionRef[]> {
    const idField = this.declaration.idField;
    return (await this.records()).map(({ data }) => ({ id: data[idField] as string, fields: data }));
  }

  private async load(): Promise<NormalizedRecord[]> {
    const { declaration, context } = this;
    const listings = await Promise.all(declaration.listings(context.config).map((listing) => this.list(listing)));
    const merged = new Map<string, NormalizedRecord>();
    for (const listing of listings) {
      for (const [id, record] of listing) {
        const first = merged.get(id);
        merged.set(id, first ? declaration.merge(first, record) : record);
      }
    }
    return [...merged.entries()].sort(([a], [b]) => compareIds(a, b)).map(([, record]) => record);
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

  constructor(
    private readonly declarations: Readonly<Record<DirectoryName, DirectoryDeclaration>>,
    private readonly context: DirectoryContext,
  ) {}

  get(name: DirectoryName): PartitionDirectory {
    let directory = this.loaded.get(name);
    if (!directory) {
      directory = new PartitionDirectory(this.declarations[name], this.context);
      this.loaded.set(name, directory);
    }
    return directory;
  }
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
