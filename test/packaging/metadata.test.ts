/**
 * metadata.yaml: valid ConnectorMetadataDefinitionV0 (required keys, types, no unknown keys), a fixed UUID,
 * and the same name/version as package.json, the Dockerfile labels and the SPEC's documentation URL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_API_URL } from '../../src/config/schema.js';
import { configJsonSchema, DOCUMENTATION_URL } from '../../src/config/spec.js';
import { DEFAULT_RETRY_POLICY } from '../../src/devin/retry.js';
import { defaultStreams } from '../../src/streams/index.js';

/** The streams read when nothing is selected (the default streams, the same in both scopes). */
const DEFAULT_NAMES = defaultStreams(undefined).map((stream) => stream.name);
import { newAjv } from '../helpers/ajv.js';
import { labelsOf, readDockerfile } from './dockerfile.js';
import { CONNECTOR_METADATA_SCHEMA, type ConnectorMetadata } from './metadata-schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const metadataText = readFileSync(join(ROOT, 'metadata.yaml'), 'utf8');
const metadata = parseYaml(metadataText) as ConnectorMetadata;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
const validate = newAjv().compile(CONNECTOR_METADATA_SCHEMA);

const TEMPLATE = /^\$\{([A-Za-z0-9_.]+)\}$/;

describe('metadata.yaml', () => {
  it('is valid connector metadata (ConnectorMetadataDefinitionV0: required keys, types, enums, no unknown keys)', () => {
    expect(validate(metadata), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema it is checked against refuses unknown keys, wrong enums and missing required keys', () => {
    const copy = (): ConnectorMetadata => JSON.parse(JSON.stringify(metadata)) as ConnectorMetadata;
    const unknownKey = copy() as unknown as { data: Record<string, unknown> };
    unknownKey.data.supportUrl = 'https://example.com';
    expect(validate(unknownKey)).toBe(false);
    const wrongEnum = copy();
    wrongEnum.data.connectorSubtype = 'rest';
    expect(validate(wrongEnum)).toBe(false);
    const missing = copy() as unknown as { data: Record<string, unknown> };
    delete missing.data.githubIssueLabel;
    expect(validate(missing)).toBe(false);
    const numericTag = copy() as unknown as { data: Record<string, unknown> };
    numericTag.data.dockerImageTag = 1.0;
    expect(validate(numericTag)).toBe(false);
  });

  it('describes an API source with a fixed definitionId UUID', () => {
    expect(metadata.data.connectorType).toBe('source');
    expect(metadata.data.connectorSubtype).toBe('api');
    expect(metadata.data.definitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // generated once; changing it would make Airbyte treat the connector as a different one
    expect(metadata.data.definitionId).toBe('e307e69c-38d7-4516-882f-a7a17d9102ff');
  });

  it('has the package version as its image tag, and the Dockerfile labels agree', () => {
    expect(metadata.data.dockerImageTag).toBe(pkg.version);
    const labels = labelsOf(readDockerfile(join(ROOT, 'Dockerfile')).at(-1)!);
    expect(labels['io.airbyte.name']).toBe(metadata.data.dockerRepository);
    expect(labels['io.airbyte.version']).toBe(metadata.data.dockerImageTag);
    expect(metadata.data.dockerRepository).toMatch(new RegExp(`/${pkg.name}$`));
  });

  it('points at the same documentation, license and language as the package', () => {
    expect(metadata.data.documentationUrl).toBe(DOCUMENTATION_URL);
    expect(metadata.data.license).toBe(pkg.license);
    expect(metadata.data.tags).toContain('language:typescript');
    expect(metadata.data.githubIssueLabel).toBe(pkg.name);
  });

  it('allows the default API host and, through a ${...} template, the host of the configured api_url', () => {
    const hosts = metadata.data.allowedHosts?.hosts ?? [];
    expect(hosts).toContain(new URL(DEFAULT_API_URL).host);
    const properties = configJsonSchema().properties as Record<string, { default?: unknown }>;
    const templates = hosts.map((host) => TEMPLATE.exec(host)?.[1]).filter((path): path is string => path !== undefined);
    expect(templates).toEqual(['api_url']);
    // Airbyte fills the template from the saved config, where the UI has written the default
    expect(properties.api_url?.default).toBe(DEFAULT_API_URL);
    // nothing else: no wildcard, no bare template fragments
    for (const host of hosts) expect(host === 'api.devin.ai' || TEMPLATE.test(host)).toBe(true);
  });

  it('suggests exactly the streams the connector has', () => {
    expect([...(metadata.data.suggestedStreams?.streams ?? [])].sort()).toEqual([...DEFAULT_NAMES].sort());
  });

  it('allows a heartbeat gap longer than one request exhausting its retries', () => {
    const policy = DEFAULT_RETRY_POLICY;
    const worstCaseMs = policy.maxAttempts * policy.requestTimeoutMs + (policy.maxAttempts - 1) * policy.maxRetryAfterMs;
    expect(metadata.data.maxSecondsBetweenMessages).toBeGreaterThan(worstCaseMs / 1000);
    // and shorter than the platform's 3 h default, or setting it would be pointless
    expect(metadata.data.maxSecondsBetweenMessages).toBeLessThan(3 * 3600);
  });
});
