/**
 * The config's JSON Schema, generated from the zod schema so the two cannot drift. Used as the Airbyte
 * SPEC's connectionSpecification and as the Singer `--about` settings.
 */
import * as z from 'zod/mini';
import { configSchema } from './schema.js';

// The connector's docs page (Airbyte's connector-docs layout): the form's setup guide link in Airbyte.
export const DOCUMENTATION_URL = 'https://github.com/source-devin/source-devin/blob/main/docs/integrations/sources/devin.md';

export type JsonSchema = Record<string, unknown>;

export function configJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  const properties = generated.properties as Record<string, JsonSchema>;
  for (const property of Object.values(properties)) {
    // zod writes the safe-integer bounds for an int without a maximum; they say nothing to a person.
    if (property.maximum === Number.MAX_SAFE_INTEGER) delete property.maximum;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Devin source spec',
    type: 'object',
    required: generated.required,
    // Airbyte's acceptance tests accept only `true` here, and Meltano passes extra keys.
    additionalProperties: true,
    properties,
  };
}

/** The Airbyte ConnectorSpecification. */
export function connectorSpecification(): JsonSchema {
  return {
    documentationUrl: DOCUMENTATION_URL,
    connectionSpecification: configJsonSchema(),
  };
}
