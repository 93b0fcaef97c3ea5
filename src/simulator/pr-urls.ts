/**
 * PR URLs of every shape the connector must parse (SPEC §5.3), each built from its parts so the
 * generator knows the expected parse without parsing anything itself.
 */
import type { ExpectedPullRequest, ExpectedPrParse } from './session-types.js';

const OWNERS = ['acme', 'Globex', 'initech', 'umbrella-corp', 'stark.industries'];
const REPOS = ['widgets', 'api-gateway', 'Web.App', 'infra_tools', 'billing-service'];
const GROUPS = ['platform', 'data/pipelines', 'mobile/ios/core'];

export interface PrUrlParts {
  owner: string;
  repo: string;
  group: string;
  number: number;
}

type Build = (parts: PrUrlParts) => { pr_url: string; expected: ExpectedPrParse };

function parse(host: string | null, provider: ExpectedPrParse['provider'], repository: string | null, pr_number: number | null): ExpectedPrParse {
  return { host, provider, repository, pr_number };
}

/** Every kind, in a fixed order; `PR_URL_KINDS[k]` names what `buildPrUrl(k, …)` makes. */
const BUILDERS: ReadonlyArray<readonly [string, Build]> = [
  ['github', (p) => ({ pr_url: `https://github.com/${p.owner}/${p.repo}/pull/${p.number}`, expected: parse('github.com', 'github', `${p.owner}/${p.repo}`, p.number) })],
  ['github-files', (p) => ({ pr_url: `https://github.com/${p.owner}/${p.repo}/pull/${p.number}/files`, expected: parse('github.com', 'github', `${p.owner}/${p.repo}`, p.number) })],
  ['github-query', (p) => ({ pr_url: `https://github.com/${p.owner}/${p.repo}/pull/${p.number}?diff=split&w=1`, expected: parse('github.com', 'github', `${p.owner}/${p.repo}`, p.number) })],
  ['github-fragment', (p) => ({ pr_url: `https://github.com/${p.owner}/${p.repo}/pull/${p.number}#discussion_r123`, expected: parse('github.com', 'github', `${p.owner}/${p.repo}`, p.number) })],
  ['github-upper-host', (p) => ({ pr_url: `https://GitHub.COM/${p.owner}/${p.repo}/pull/${p.number}`, expected: parse('github.com', 'github', `${p.owner}/${p.repo}`, p.number) })],
  ['github-enterprise', (p) => ({ pr_url: `https://ghe.example.com/${p.owner}/${p.repo}/pull/${p.number}`, expected: parse('ghe.example.com', 'github', `${p.owner}/${p.repo}`, p.number) })],
  ['gitlab-subgroups', (p) => ({ pr_url: `https://gitlab.com/${p.group}/${p.repo}/-/merge_requests/${p.number}`, expected: parse('gitlab.com', 'gitlab', `${p.group}/${p.repo}`, p.number) })],
  ['gitlab-self-hosted-port', (p) => ({ pr_url: `https://gitlab.example.com:8443/${p.group}/${p.repo}/-/merge_requests/${p.number}/diffs`, expected: parse('gitlab.example.com', 'gitlab', `${p.group}/${p.repo}`, p.number) })],
  ['bitbucket-cloud', (p) => ({ pr_url: `https://bitbucket.org/${p.owner}/${p.repo}/pull-requests/${p.number}`, expected: parse('bitbucket.org', 'bitbucket', `${p.owner}/${p.repo}`, p.number) })],
  ['bitbucket-server', (p) => ({ pr_url: `https://git.example.com/projects/${p.owner.toUpperCase()}/repos/${p.repo}/pull-requests/${p.number}/overview`, expected: parse('git.example.com', 'bitbucket', `${p.owner.toUpperCase()}/${p.repo}`, p.number) })],
  ['azure-devops', (p) => ({ pr_url: `https://dev.azure.com/${p.owner}/Project-${p.number % 7}/_git/${p.repo}/pullrequest/${p.number}`, expected: parse('dev.azure.com', 'azure_devops', `${p.owner}/Project-${p.number % 7}/${p.repo}`, p.number) })],
  // The org is the host's first label; lower-case here so "host lower-cased" and "org as written" agree.
  ['azure-visualstudio', (p) => {
    const org = p.owner.toLowerCase().replace('.', '');
    return { pr_url: `https://${org}.visualstudio.com/Core/_git/${p.repo}/pullrequest/${p.number}`, expected: parse(`${org}.visualstudio.com`, 'azure_devops', `${org}/Core/${p.repo}`, p.number) };
  }],
  ['unrecognised-path', () => ({ pr_url: 'https://example.com/foo', expected: parse('example.com', null, null, null) })],
  ['github-issue-not-pr', (p) => ({ pr_url: `https://github.com/${p.owner}/${p.repo}/issues/${p.number}`, expected: parse('github.com', null, null, null) })],
  ['github-non-numeric', (p) => ({ pr_url: `https://github.com/${p.owner}/${p.repo}/pull/new`, expected: parse('github.com', null, null, null) })],
  ['not-a-url', () => ({ pr_url: 'not a url (see the PR in Slack)', expected: parse(null, null, null, null) })],
];

export const PR_URL_KINDS: readonly string[] = BUILDERS.map(([kind]) => kind);

/** Parts from three hash values (owner, repo, number), so each PR of a session differs. */
export function prUrlParts(ownerRoll: number, repoRoll: number, number: number): PrUrlParts {
  return {
    owner: OWNERS[ownerRoll % OWNERS.length]!,
    repo: REPOS[repoRoll % REPOS.length]!,
    group: GROUPS[(ownerRoll >>> 8) % GROUPS.length]!,
    number,
  };
}

export function buildPrUrl(kind: number, parts: PrUrlParts, prState: string | null): ExpectedPullRequest {
  const [, build] = BUILDERS[kind % BUILDERS.length]!;
  const { pr_url, expected } = build(parts);
  return { pr_url, pr_state: prState, expected };
}
