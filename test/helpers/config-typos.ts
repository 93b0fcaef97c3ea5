/**
 * The config typos both front doors must name (SPEC §3), with the value each is given in the tests
 * and the warning expected after "<where>: ". Values are distinctive so that a test can prove they
 * are never printed; the retired key gets a value its (old) schema entry accepts.
 */
export const TYPO_VALUE = 'do-not-print-this-value-7c1e';

export interface ConfigTypo {
  key: string;
  value: unknown;
  warning: string;
  /** The known key the warning suggests (undefined: none is close enough, or retired). */
  suggestion?: string;
}

export const RETIRED_ADVICE = 'select the pr_metrics_by_member stream instead (one row per member and billing day)';

export const CONFIG_TYPOS: ConfigTypo[] = [
  { key: 'apikey', suggestion: 'api_key' },
  { key: 'startDate', suggestion: 'start_date' },
  { key: 'API_KEY', suggestion: 'api_key' },
  { key: 'start-date', suggestion: 'start_date' },
  { key: 'lookbackdays', suggestion: 'lookback_days' },
  { key: 'windw_dys', suggestion: 'window_days' },
  { key: 'colour_scheme' },
].map(({ key, suggestion }) => ({
  key,
  value: TYPO_VALUE,
  ...(suggestion ? { suggestion } : {}),
  warning: `unknown key "${key}" (ignored)${suggestion ? `: did you mean ${suggestion}?` : ''}`,
}));

export const RETIRED_TYPO: ConfigTypo = {
  key: 'pr_metrics_granularity',
  value: 'user_day',
  warning: `key "pr_metrics_granularity" is retired: ${RETIRED_ADVICE}`,
};
