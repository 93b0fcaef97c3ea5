/** PR URL parsing (SPEC §5.3): a table of every shape, and every parse the simulator expects. */
import { describe, expect, it } from 'vitest';
import { parsePrUrl } from '../../src/streams/pr-url.js';
import { PR_URL_KINDS, buildPrUrl, prUrlParts } from '../../src/simulator/pr-urls.js';

const none = (host: string | null) => ({ host, provider: null, repository: null, pr_number: null });

describe('parsePrUrl', () => {
  it.each([
    ['https://github.com/acme/widgets/pull/42', { host: 'github.com', provider: 'github', repository: 'acme/widgets', pr_number: 42 }],
    ['https://github.com/acme/widgets/pull/42/files', { host: 'github.com', provider: 'github', repository: 'acme/widgets', pr_number: 42 }],
    ['https://github.com/acme/widgets/pull/42?diff=split#r1', { host: 'github.com', provider: 'github', repository: 'acme/widgets', pr_number: 42 }],
    ['https://GitHub.COM:443/Acme/Web.App/pull/7', { host: 'github.com', provider: 'github', repository: 'Acme/Web.App', pr_number: 7 }],
    ['https://ghe.corp.example:8443/team/repo/pull/3/commits', { host: 'ghe.corp.example', provider: 'github', repository: 'team/repo', pr_number: 3 }],
    ['https://gitlab.com/group/repo/-/merge_requests/5', { host: 'gitlab.com', provider: 'gitlab', repository: 'group/repo', pr_number: 5 }],
    ['https://gitlab.example.com/a/b/c/repo/-/merge_requests/9/diffs', { host: 'gitlab.example.com', provider: 'gitlab', repository: 'a/b/c/repo', pr_number: 9 }],
    ['https://bitbucket.org/ws/repo/pull-requests/11', { host: 'bitbucket.org', provider: 'bitbucket', repository: 'ws/repo', pr_number: 11 }],
    ['https://bitbucket.org/ws/repo/pull-requests/11/overview', { host: 'bitbucket.org', provider: 'bitbucket', repository: 'ws/repo', pr_number: 11 }],
    ['https://git.example.com/projects/PROJ/repos/repo/pull-requests/12/overview', { host: 'git.example.com', provider: 'bitbucket', repository: 'PROJ/repo', pr_number: 12 }],
    ['https://dev.azure.com/org/Project/_git/repo/pullrequest/13', { host: 'dev.azure.com', provider: 'azure_devops', repository: 'org/Project/repo', pr_number: 13 }],
    ['https://contoso.visualstudio.com/Project/_git/repo/pullrequest/14?_a=files', { host: 'contoso.visualstudio.com', provider: 'azure_devops', repository: 'contoso/Project/repo', pr_number: 14 }],
    ['https://github.com/acme/widgets/issues/42', none('github.com')],
    ['https://github.com/acme/widgets/pull/new', none('github.com')],
    ['https://github.com/acme/widgets/pull/0', none('github.com')],
    ['https://gitlab.com/repo/-/merge_requests/5', none('gitlab.com')],
    ['https://example.com/foo', none('example.com')],
    ['not a url (see the PR in Slack)', none(null)],
    ['', none(null)],
  ])('%s', (url, expected) => {
    expect(parsePrUrl(url)).toEqual(expected);
  });

  it('agrees with every parse the simulator expects, for every URL kind', () => {
    expect(PR_URL_KINDS.length).toBeGreaterThan(10);
    for (let kind = 0; kind < PR_URL_KINDS.length; kind++) {
      for (let roll = 0; roll < 30; roll++) {
        const { pr_url, expected } = buildPrUrl(kind, prUrlParts(roll * 7919, roll * 104729 + kind, 1 + roll * 37), 'open');
        expect(parsePrUrl(pr_url), `${PR_URL_KINDS[kind]}: ${pr_url}`).toEqual(expected);
      }
    }
  });
});
