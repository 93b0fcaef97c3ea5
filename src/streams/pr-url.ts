/**
 * What a pull-request URL says (SPEC §5.3): host, provider, repository and number, from the path's
 * shape on any host (self-hosted ones too). Segments after the number (`/files`), the query and the
 * fragment are ignored; anything that is not one of the shapes gives nulls (the row is still
 * emitted). Pure: no I/O, no configuration.
 */

export type PrProvider = 'github' | 'gitlab' | 'bitbucket' | 'azure_devops';

export interface PrUrlParts {
  /** Lower-cased host name without port; null when the text is not an absolute URL. */
  host: string | null;
  provider: PrProvider | null;
  repository: string | null;
  pr_number: number | null;
}

const NUMBER = /^[1-9]\d{0,15}$/;

export function parsePrUrl(text: string): PrUrlParts {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { host: null, provider: null, repository: null, pr_number: null };
  }
  // URL already drops the port and lower-cases the host name.
  const host = url.hostname === '' ? null : url.hostname.toLowerCase();
  const segments = url.pathname.split('/').filter((segment) => segment !== '').map(decodeSegment);
  const match = host === null ? undefined : matchPath(host, segments);
  return match ? { host, ...match } : { host, provider: null, repository: null, pr_number: null };
}

type PathMatch = Omit<PrUrlParts, 'host'>;

function matchPath(host: string, segments: readonly string[]): PathMatch | undefined {
  // GitLab: /{group path…}/{name}/-/merge_requests/{n} — the group path may have subgroups.
  const dash = segments.indexOf('-');
  if (dash >= 2 && segments[dash + 1] === 'merge_requests') {
    return numbered('gitlab', segments.slice(0, dash).join('/'), segments[dash + 2]);
  }
  // Azure DevOps: /{org}/{project}/_git/{name}/pullrequest/{n}, or {org}.visualstudio.com/{project}/_git/….
  const git = segments.indexOf('_git');
  if (git >= 1 && segments[git + 2]?.toLowerCase() === 'pullrequest') {
    const prefix = segments.slice(0, git);
    const visualStudio = /^([^.]+)\.visualstudio\.com$/.exec(host);
    const owner = visualStudio && prefix.length === 1 ? [visualStudio[1] as string, ...prefix] : prefix;
    if (owner.length === 2) return numbered('azure_devops', [...owner, segments[git + 1]].join('/'), segments[git + 3]);
  }
  // Bitbucket Server: /projects/{P}/repos/{name}/pull-requests/{n}.
  if (segments[0] === 'projects' && segments[2] === 'repos' && segments[4] === 'pull-requests') {
    return numbered('bitbucket', `${segments[1]}/${segments[3]}`, segments[5]);
  }
  // Bitbucket Cloud: /{workspace}/{name}/pull-requests/{n}; GitHub (and GHE): /{owner}/{name}/pull/{n}.
  if (segments.length >= 4 && segments[2] === 'pull-requests') return numbered('bitbucket', `${segments[0]}/${segments[1]}`, segments[3]);
  if (segments.length >= 4 && segments[2] === 'pull') return numbered('github', `${segments[0]}/${segments[1]}`, segments[3]);
  return undefined;
}

function numbered(provider: PrProvider, repository: string, number: string | undefined): PathMatch | undefined {
  if (number === undefined || !NUMBER.test(number)) return undefined;
  return { provider, repository, pr_number: Number(number) };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
