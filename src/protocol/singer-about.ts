/**
 * `tap-devin --about`: what the tap is and what it accepts, in the Meltano SDK's three formats (plain
 * text by default, `--format json`, `--format markdown`). `settings` is the config JSON Schema from
 * src/config/spec.ts, with the secret marked the way the SDK marks it (`secret`, `writeOnly`).
 */
import { SECRET_KEYS } from '../config/schema.js';
import { configJsonSchema, type JsonSchema } from '../config/spec.js';
import { isRecord } from '../json.js';
import { VERSION } from '../version.js';

export const TAP_NAME = 'tap-devin';
export const TAP_DESCRIPTION =
  'Singer tap for Devin (Cognition) usage data: members, daily ACU consumption and PR metrics, for enterprise- or organization-scoped API keys.';
export const TAP_ENV_PREFIX = 'TAP_DEVIN_';
/**
 * Capabilities in Meltano's vocabulary, exactly what the tap does: `properties` is the legacy name of
 * `catalog`, `test` is `--test`. Not claimed, because not done: stream-maps, schema-flattening, batch,
 * activate-version.
 */
export const TAP_CAPABILITIES = ['about', 'catalog', 'discover', 'properties', 'state', 'test'] as const;
/** Same as package.json `engines.node`. */
const SUPPORTED_NODE_VERSIONS = ['>=20'];

export type AboutFormat = 'text' | 'json' | 'markdown';

export interface AboutInfo {
  name: string;
  description: string;
  version: string;
  capabilities: string[];
  supported_node_versions: string[];
  env_var_prefix: string;
  settings: JsonSchema;
}

export function aboutInfo(): AboutInfo {
  const settings = configJsonSchema();
  const properties = settings.properties as Record<string, JsonSchema>;
  for (const key of SECRET_KEYS) {
    const property = properties[key];
    if (property) properties[key] = { ...property, secret: true, writeOnly: true };
  }
  return {
    name: TAP_NAME,
    description: TAP_DESCRIPTION,
    version: VERSION,
    capabilities: [...TAP_CAPABILITIES],
    supported_node_versions: SUPPORTED_NODE_VERSIONS,
    env_var_prefix: TAP_ENV_PREFIX,
    settings,
  };
}

export function formatAbout(info: AboutInfo, format: AboutFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(info, null, 2)}\n`;
    case 'markdown':
      return aboutMarkdown(info);
    case 'text':
      return aboutText(info);
  }
}

interface SettingRow {
  name: string;
  type: string;
  required: boolean;
  default: unknown;
  description: string;
}

function settingRows(settings: JsonSchema): SettingRow[] {
  const properties = isRecord(settings.properties) ? settings.properties : {};
  const required = new Set(Array.isArray(settings.required) ? settings.required.map(String) : []);
  return Object.entries(properties).map(([name, raw]) => {
    const property = isRecord(raw) ? raw : {};
    const type = Array.isArray(property.enum)
      ? property.enum.map((v) => String(v)).join(' | ')
      : typeof property.type === 'string'
        ? property.type
        : 'any';
    return {
      name,
      type,
      required: required.has(name),
      default: property.default,
      description: typeof property.description === 'string' ? property.description : '',
    };
  });
}

function aboutText(info: AboutInfo): string {
  const lines = [
    `Name: ${info.name}`,
    `Description: ${info.description}`,
    `Version: ${info.version}`,
    'Capabilities:',
    ...info.capabilities.map((c) => `  - ${c}`),
    'Supported Node.js Versions:',
    ...info.supported_node_versions.map((v) => `  - ${v}`),
    'Settings:',
    ...settingRows(info.settings).flatMap((row) => [
      `  - Name: ${row.name}`,
      `    Type: ${row.type}`,
      `    Environment Variable: ${info.env_var_prefix}${row.name.toUpperCase()}`,
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function aboutMarkdown(info: AboutInfo): string {
  const lines = [
    `# \`${info.name}\``,
    '',
    info.description,
    '',
    '## Capabilities',
    '',
    ...info.capabilities.map((c) => `* \`${c}\``),
    '',
    '## Supported Node.js Versions',
    '',
    ...info.supported_node_versions.map((v) => `* ${v}`),
    '',
    '## Settings',
    '',
    '| Setting | Required | Default | Description |',
    '|:--------|:--------:|:-------:|:------------|',
    ...settingRows(info.settings).map(
      (row) =>
        `| ${row.name} | ${row.required ? 'True' : 'False'} | ${row.default === undefined ? 'None' : cell(JSON.stringify(row.default))} | ${cell(row.description)} |`,
    ),
    '',
    `With \`--config ENV\`, every setting can also come from an environment variable \`${info.env_var_prefix}<SETTING>\` (for example \`${info.env_var_prefix}API_KEY\`).`,
    '',
    `A full list of supported settings and capabilities is available by running: \`${info.name} --about\``,
  ];
  return `${lines.join('\n')}\n`;
}
