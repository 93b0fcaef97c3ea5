/**
 * The connector configuration: one zod schema is the single source of truth for every key, its type,
 * its default and its documentation. The Airbyte SPEC, the Singer `--about` settings and the README
 * table are all derived from it (see ./spec.ts).
 *
 * Written with zod's functional API (`zod/mini`), as is every schema the connector builds: they are
 * built at start-up on every run, and classic `zod` costs about twice as much to load (its schemas
 * bind some 40 methods each). `.register(z.globalRegistry, …)` is classic's `.meta(…)`.
 */
import * as z from 'zod/mini';

const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

export const DEFAULT_API_URL = 'https://api.devin.ai';
export const DEFAULT_LOOKBACK_DAYS = 7;
export const DEFAULT_WINDOW_DAYS = 90;
export const DEFAULT_START_DAYS_AGO = 30;
export const DEFAULT_MAX_CONCURRENCY = 8;
/** Upper bounds that catch typos ("absurd numbers") instead of launching a runaway read. */
export const MAX_LOOKBACK_DAYS = 366;
export const MAX_CONCURRENCY_LIMIT = 64;
export const MAX_WINDOW_DAYS = 366;

/** Earliest accepted start_date: Devin did not exist before it, so anything older is a typo. */
export const EARLIEST_START_DATE = '2020-01-01';

const billingDate = (title: string, description: string, order: number) =>
  z
    .optional(z.string().check(z.regex(new RegExp(DATE_PATTERN), { error: 'must be a date written YYYY-MM-DD' })))
    .register(z.globalRegistry, { title, description, order, format: 'date', pattern_descriptor: 'YYYY-MM-DD', examples: ['2026-01-01'] });

export const configSchema = z.object({
  api_key: z.string({ error: 'must be a string: a Devin service-user credential (cog_…)' }).register(z.globalRegistry, {
    title: 'API key',
    description:
      'Devin service-user credential (starts with cog_), enterprise- or organization-scoped. Needs member, ' +
      'consumption and PR-metrics read permissions. Must not be empty or contain whitespace.',
    airbyte_secret: true,
    order: 0,
  }),
  start_date: billingDate(
    'Start date',
    'First billing day to extract (a billing day runs from 08:00 UTC to 08:00 UTC). A real calendar date ' +
      `YYYY-MM-DD, ${EARLIEST_START_DATE} or later, and not after end_date. Default: 30 days before today.`,
    1,
  ),
  end_date: billingDate(
    'End date',
    'Last billing day to extract, inclusive. A real calendar date YYYY-MM-DD, on or after start_date. ' +
      "Default: today. Today's billing day is partial and is re-read next time.",
    2,
  ),
  lookback_days: z
    ._default(z.int().check(z.minimum(0), z.maximum(MAX_LOOKBACK_DAYS)), DEFAULT_LOOKBACK_DAYS)
    .register(z.globalRegistry, {
      title: 'Lookback days',
      description:
        'Incremental reads re-read this many billing days before the saved cursor, because consumption is ' +
        `restated and PR counts change state (open → merged) after the fact. A whole number from 0 to ${MAX_LOOKBACK_DAYS}.`,
      order: 3,
    }),
  scope: z
    ._default(z.enum(['auto', 'enterprise', 'organization']), 'auto')
    .register(z.globalRegistry, {
      title: 'Scope',
      description:
        'auto asks GET /v3/self: an API key without org_id is enterprise-scoped, one with org_id is ' +
        'organization-scoped. Set it to fail fast when the key does not have the scope you expect.',
      order: 4,
    }),
  include_idp_users: z
    ._default(z.boolean({ error: 'must be true or false' }), true)
    .register(z.globalRegistry, {
      title: 'Include IdP-group members',
      description:
        'Also list members who get access through IdP groups (…/members/idp-users), de-duplicated on user_id.',
      order: 6,
    }),
  api_url: z
    ._default(z.string({ error: 'must be a URL string' }), DEFAULT_API_URL)
    .register(z.globalRegistry, {
      title: 'API URL',
      description:
        'Base URL of the Devin API. Dedicated deployments use their own host. Must be an absolute https:// URL ' +
        '(plain http:// only for loopback hosts), with no user name, password, query string or fragment.',
      order: 7,
      format: 'uri',
      examples: [DEFAULT_API_URL],
    }),
  max_concurrency: z
    ._default(z.int().check(z.minimum(1), z.maximum(MAX_CONCURRENCY_LIMIT)), DEFAULT_MAX_CONCURRENCY)
    .register(z.globalRegistry, {
      title: 'Max concurrency',
      description:
        `Upper bound on requests in flight, a whole number from 1 to ${MAX_CONCURRENCY_LIMIT}; the connector backs ` +
        'off below it when the API answers 429.',
      order: 8,
    }),
  window_days: z
    ._default(z.int().check(z.minimum(1), z.maximum(MAX_WINDOW_DAYS)), DEFAULT_WINDOW_DAYS)
    .register(z.globalRegistry, {
      title: 'Window days',
      description:
        'Most billing days asked for in one consumption request. If the API rejects a window as too long ' +
        '(400/422), the connector halves it for the rest of the read and says so in a log. A whole number from 1 ' +
        `to ${MAX_WINDOW_DAYS}.`,
      order: 9,
    }),
  metrics_log_level: z
    ._default(z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']), 'INFO')
    .register(z.globalRegistry, {
      title: 'Metrics log level',
      description:
        'tap-devin only (as in the Meltano SDK): the log level of its METRIC lines on stderr (one per HTTP request, ' +
        'plus record counts and durations per stream). DEBUG hides them under the default log level INFO. ' +
        'source-devin ignores it.',
      order: 10,
    }),
});

/** The config object after zod: defaults filled in, unknown keys dropped. */
export type ParsedConfig = z.output<typeof configSchema>;

/** Keys that must never be echoed back, in any message. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['api_key']);
