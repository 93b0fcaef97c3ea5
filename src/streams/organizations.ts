/**
 * organizations: the enterprise's organizations (SPEC §5.4), also the directory that
 * daily_consumption_by_organization fans out over.
 */
import { itemRecord } from './directory-items.js';
import { loadSchema, type DirectoryDeclaration, type StreamDeclaration } from './types.js';

export const organizationsDirectory: DirectoryDeclaration = {
  name: 'organizations',
  idField: 'org_id',
  itemLabel: 'organization',
  partitionFields: [],
  listings: () => [{ name: 'organizations', endpoint: 'organizations' }],
  fromItem: (item, _listing, ctx) => itemRecord(item, 'org_id', ['created_at', 'updated_at'], 'an organization', ctx),
  merge: (first) => first,
};

export const organizationsStream: StreamDeclaration = {
  name: 'organizations',
  description: 'The organizations of the enterprise, with their ACU limits.',
  schema: loadSchema('organizations'),
  primaryKey: [['org_id']],
  scopes: ['enterprise'],
  default: true,
  source: { kind: 'directory', directory: 'organizations' },
  endpoints: ['organizations'],
};
