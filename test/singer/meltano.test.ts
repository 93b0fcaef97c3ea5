/**
 * The example meltano.yml agrees with the tap: executable, capabilities (= --about), and settings that
 * match the config JSON Schema key for key (kinds, options, defaults, the secret marked sensitive).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configJsonSchema } from '../../src/config/spec.js';
import { STREAM_NAMES } from '../../src/streams/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import type { Json } from '../helpers/singer.js';
import { tap } from './support.js';

const project = parseYaml(readFileSync(`${REPO_ROOT}meltano.yml`, 'utf8')) as Json;
const extractor = ((project.plugins as Json).extractors as Json[]).find((p) => p.name === 'tap-devin') as Json;
const schema = configJsonSchema();
const properties = schema.properties as Record<string, Json>;
const settings = extractor.settings as Json[];

function expectedKind(property: Json): string {
  if (Array.isArray(property.enum)) return 'options';
  if (property.format === 'date') return 'date_iso8601';
  return String(property.type);
}

describe('meltano.yml', () => {
  it('declares tap-devin as an npm executable with a namespace, and no pip_url', () => {
    expect(extractor).toMatchObject({ name: 'tap-devin', namespace: 'tap_devin', executable: 'tap-devin' });
    expect(extractor.pip_url).toBeUndefined();
  });

  it('declares the capabilities tap-devin --about reports', async () => {
    const about = JSON.parse((await tap(['--about', '--format', 'json'])).stdout) as Json;
    expect([...(extractor.capabilities as string[])].sort()).toEqual([...(about.capabilities as string[])].sort());
  });

  it('has one setting per config key, with a matching kind, options and default', () => {
    expect(settings.map((s) => s.name)).toEqual(Object.keys(properties));
    for (const setting of settings) {
      const property = properties[String(setting.name)] as Json;
      expect(setting.kind, String(setting.name)).toBe(expectedKind(property));
      if (Array.isArray(property.enum)) {
        expect((setting.options as Json[]).map((o) => o.value), String(setting.name)).toEqual(property.enum);
      }
      expect(setting.value, String(setting.name)).toEqual(property.default);
    }
  });

  it('marks api_key sensitive (and only it), and requires it', () => {
    expect(settings.filter((s) => s.sensitive === true).map((s) => s.name)).toEqual(['api_key']);
    expect(extractor.settings_group_validation).toEqual([schema.required]);
  });

  it('selects streams the tap has', () => {
    for (const pattern of extractor.select as string[]) expect(STREAM_NAMES).toContain(pattern.split('.')[0]);
  });
});
