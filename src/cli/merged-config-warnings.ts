/**
 * tap-devin's unknown-key warnings (SPEC §3) over a merged config: each unknown or retired key of a
 * config file, named with its file, and — with `--config ENV` — each `TAP_DEVIN_*` variable that sets
 * no key. Keys the environment set are covered by the variable's own warning, not repeated.
 */
import type { ConfigError } from '../config/resolve.js';
import { suggestKey, knownConfigKeys } from '../config/unknown-keys.js';
import { configKeyWarnings } from './connector.js';
import { ENV_PREFIX, envVarName, unknownEnvWarnings, type MergedConfig } from './env-config.js';

const FROM_ENV = 'environment variable ';

export function mergedConfigWarnings(merged: MergedConfig, env: Record<string, string | undefined>): string[] {
  const fromFiles = Object.fromEntries(
    Object.entries(merged.raw).filter(([key]) => !merged.origins.get(key)?.startsWith(FROM_ENV)),
  );
  const warnings = configKeyWarnings(fromFiles, (key) => merged.origins.get(key) ?? 'config');
  return merged.readsEnv ? [...warnings, ...unknownEnvWarnings(env)] : warnings;
}

/**
 * For "<key> is required" when the config comes from the environment: the variable that was probably
 * meant to set it (` (the environment has TAP_DEVIN_APIKEY: did you mean TAP_DEVIN_API_KEY?)`), or ''.
 */
export function requiredKeyEnvHint(error: ConfigError, merged: MergedConfig, env: Record<string, string | undefined>): string {
  const key = error.key;
  if (!key || !error.message.endsWith(`${key} is required`) || !merged.readsEnv) return '';
  const known = knownConfigKeys();
  const typo = Object.keys(env).find(
    (name) =>
      name.startsWith(ENV_PREFIX) &&
      name !== envVarName(key) &&
      env[name]?.trim() &&
      suggestKey(name.slice(ENV_PREFIX.length).toLowerCase(), known) === key,
  );
  return typo ? ` (the environment has ${typo}: did you mean ${envVarName(key)}?)` : '';
}
