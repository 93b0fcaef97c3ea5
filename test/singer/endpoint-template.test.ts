/**
 * METRIC tags name the endpoint template of a request path (src/protocol/singer-log.ts endpointTemplate),
 * matched segment by segment. The oracle is the definition: the first template whose `{placeholder}`s,
 * each read as one non-empty segment (`[^/]+`), make a regular expression the whole path matches.
 */
import { describe, expect, it } from 'vitest';
import { ENDPOINTS, SELF_PATH } from '../../src/devin/endpoints.js';
import { endpointTemplate } from '../../src/protocol/singer-log.js';

const TEMPLATES = [SELF_PATH, ...Object.values(ENDPOINTS).flatMap((byName) => Object.values(byName as Record<string, { template: string }>).map((info) => info.template))];

function byDefinition(path: string): string {
  for (const template of TEMPLATES) {
    const source = template
      .split(/(\{[a-z_]+\})/)
      .map((part) => (/^\{[a-z_]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    if (new RegExp(`^${source}$`).test(path)) return template;
  }
  return path;
}

const IDS = ['u-1', 'org_abc', 'insights', 'messages', '%2F', 'a%2Fb', 'ä', '{user_id}', '.', '..', 'x?y=1'];

describe('endpointTemplate', () => {
  it('names the template of every endpoint path, whatever the ids, as the definition does', () => {
    const paths = TEMPLATES.flatMap((template) => IDS.map((id) => template.replace(/\{[a-z_]+\}/g, id)));
    expect(paths.length).toBeGreaterThan(300);
    for (const path of paths) expect(endpointTemplate(path), path).toBe(byDefinition(path));
    expect(endpointTemplate('/v3/enterprise/consumption/daily/users/u-1')).toBe('/v3/enterprise/consumption/daily/users/{user_id}');
    expect(endpointTemplate('/v3/organizations/org-1/sessions/insights')).toBe('/v3/organizations/{org_id}/sessions/insights');
  });

  it('leaves other paths as they are: an empty id, a segment more or less, a query, another prefix', () => {
    const others = [
      '/v3/enterprise/consumption/daily/users/',
      '/v3/enterprise/consumption/daily/users/u-1/extra',
      '/v3/enterprise/consumption/daily/users',
      '/v3/enterprise/members/users?first=200',
      '/v2/enterprise/members/users',
      '',
      '/',
      'v3/self',
    ];
    for (const path of others) {
      expect(endpointTemplate(path), path).toBe(byDefinition(path));
    }
    expect(endpointTemplate('/v3/enterprise/consumption/daily/users/')).toBe('/v3/enterprise/consumption/daily/users/');
  });
});
