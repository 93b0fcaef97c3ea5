/**
 * session_insights (SPEC §5.3): the session fields plus message counts, size and Devin's analysis,
 * from `…/sessions/insights` with the same filters and windows as sessions. Opt-in: `analysis`
 * quotes the user's prompt, and the list is a second pass over every session.
 */
import { fieldCoercions } from './schema-typer.js';
import { sessionListSource, sessionRecord } from './sessions.js';
import { loadSchema, type StreamDeclaration } from './types.js';

const schema = loadSchema('session_insights');
const fields = fieldCoercions(schema);

export const sessionInsightsStream: StreamDeclaration = {
  name: 'session_insights',
  description: 'Sessions with message counts, size class and Devin\'s analysis (null until analysed).',
  schema,
  primaryKey: [['session_id']],
  scopes: ['enterprise', 'organization'],
  default: false,
  cursor: { kind: 'timestamp', field: 'updated_at' },
  source: sessionListSource('sessionInsights', (item, ctx) => sessionRecord(item, ctx, fields)),
  endpoints: ['sessionInsights'],
};
