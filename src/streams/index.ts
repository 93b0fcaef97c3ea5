/** The streams and directories this connector offers, in the order they are listed and read. */
import { activeUsersStream } from './active-users.js';
import {
  dailyConsumptionByOrganizationStream,
  dailyConsumptionByServiceUserStream,
  dailyConsumptionTotalsStream,
} from './consumption-beyond-members.js';
import { auditLogsStream } from './audit-logs.js';
import { consumptionCyclesStream } from './consumption-cycles.js';
import { dailyConsumptionStream } from './daily-consumption.js';
import { knowledgeNotesStream, playbooksStream } from './knowledge.js';
import { secretsStream } from './secrets.js';
import { organizationsDirectory, organizationsStream } from './organizations.js';
import { serviceUsersDirectory, serviceUsersStream } from './service-users.js';
import { membersDirectory, membersStream } from './members.js';
import { prMetricsByMemberStream } from './pr-metrics-by-member.js';
import { prMetricsStream } from './pr-metrics.js';
import { sessionInsightsStream } from './session-insights.js';
import { sessionMessagesStream } from './session-messages.js';
import { sessionPullRequestsStream, sessionsStream } from './sessions.js';
import type { DirectoryDeclaration, DirectoryName, ScopeKind, StreamDeclaration, StreamName } from './types.js';

export const STREAMS: readonly StreamDeclaration[] = [
  membersStream,
  dailyConsumptionStream,
  prMetricsStream,
  prMetricsByMemberStream,
  dailyConsumptionTotalsStream,
  dailyConsumptionByOrganizationStream,
  dailyConsumptionByServiceUserStream,
  consumptionCyclesStream,
  organizationsStream,
  serviceUsersStream,
  sessionsStream,
  sessionPullRequestsStream,
  sessionInsightsStream,
  sessionMessagesStream,
  playbooksStream, knowledgeNotesStream, secretsStream,
  auditLogsStream,
  activeUsersStream,
];

export const DIRECTORIES: Readonly<Record<DirectoryName, DirectoryDeclaration>> = {
  members: membersDirectory,
  organizations: organizationsDirectory,
  service_users: serviceUsersDirectory,
};

export function findStream(name: string): StreamDeclaration | undefined {
  return STREAMS.find((stream) => stream.name === name);
}

export const STREAM_NAMES: readonly StreamName[] = STREAMS.map((stream) => stream.name);

/** The streams a key of this scope can read, in order (SPEC §4: discover lists exactly these). */
export function streamsOfScope(scope: ScopeKind): StreamDeclaration[] {
  return STREAMS.filter((stream) => stream.scopes.includes(scope));
}

/** The streams selected when nothing is selected (SPEC §5 "default"). */
export function defaultStreams(scope: ScopeKind | undefined): StreamDeclaration[] {
  return STREAMS.filter((stream) => stream.default && (scope === undefined || stream.scopes.includes(scope)));
}
