/**
 * service_users: the enterprise's service users, inactive ones (expired or removed) included, as
 * SPEC §5.4 asks; also the directory daily_consumption_by_service_user fans out over, so ACUs an
 * inactive service user consumed before it stopped are read too.
 */
import { itemRecord } from './directory-items.js';
import { loadSchema, type DirectoryDeclaration, type StreamDeclaration } from './types.js';

export const serviceUsersDirectory: DirectoryDeclaration = {
  name: 'service_users',
  idField: 'service_user_id',
  itemLabel: 'service user',
  // daily_consumption_by_service_user's service_user_name.
  partitionFields: ['name'],
  listings: () => [{ name: 'service users', endpoint: 'serviceUsers', query: [['include_inactive', 'true']] }],
  fromItem: (item, _listing, ctx) =>
    itemRecord(item, 'service_user_id', ['created_at', 'updated_at', 'expires_at', 'deleted_at'], 'a service user', ctx),
  merge: (first) => first,
};

export const serviceUsersStream: StreamDeclaration = {
  name: 'service_users',
  description: 'The service users of the enterprise (API keys), inactive ones included.',
  schema: loadSchema('service_users'),
  primaryKey: [['service_user_id']],
  scopes: ['enterprise'],
  default: true,
  source: { kind: 'directory', directory: 'service_users' },
  endpoints: ['serviceUsers'],
};
