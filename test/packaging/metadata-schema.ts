/**
 * A JSON Schema for Airbyte's connector metadata file, written from ConnectorMetadataDefinitionV0 (the
 * pydantic model generated into airbytehq/airbyte-python-cdk, airbyte_cdk/metadata_models/generated): the
 * required keys, their types and enums, and every optional key of `data` by name. Like the model, it refuses
 * unknown keys at the top level and in `data`, so a misspelt key fails here as it would in Airbyte.
 */
const stringArray = { type: 'array', items: { type: 'string' } };
const object = { type: 'object' };

export const CONNECTOR_METADATA_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['metadataSpecVersion', 'data'],
  properties: {
    metadataSpecVersion: { type: 'string' },
    data: {
      type: 'object',
      additionalProperties: false,
      required: [
        'name',
        'definitionId',
        'connectorType',
        'dockerRepository',
        'dockerImageTag',
        'license',
        'documentationUrl',
        'githubIssueLabel',
        'connectorSubtype',
        'releaseStage',
      ],
      properties: {
        name: { type: 'string' },
        icon: { type: 'string' },
        definitionId: { type: 'string', format: 'uuid' },
        connectorBuildOptions: { type: 'object', additionalProperties: false, properties: { baseImage: { type: 'string' } } },
        connectorTestSuitesOptions: { type: 'array', items: object },
        connectorType: { enum: ['destination', 'source'] },
        dockerRepository: { type: 'string' },
        dockerImageTag: { type: 'string' },
        supportsDbt: { type: 'boolean' },
        supportsNormalization: { type: 'boolean' },
        license: { type: 'string' },
        documentationUrl: { type: 'string', format: 'uri' },
        githubIssueLabel: { type: 'string' },
        maxSecondsBetweenMessages: { type: 'integer' },
        releaseDate: { type: 'string', format: 'date' },
        protocolVersion: { type: 'string' },
        erdUrl: { type: 'string' },
        connectorSubtype: { enum: ['api', 'database', 'datalake', 'file', 'custom', 'message_queue', 'unknown', 'vectorstore'] },
        releaseStage: { enum: ['alpha', 'beta', 'generally_available', 'custom'] },
        supportLevel: { enum: ['community', 'certified', 'archived'] },
        tags: stringArray,
        registryOverrides: object,
        allowedHosts: { type: 'object', properties: { hosts: stringArray } },
        releases: object,
        normalizationConfig: object,
        suggestedStreams: { type: 'object', properties: { streams: stringArray } },
        resourceRequirements: object,
        ab_internal: object,
        remoteRegistries: object,
        supportsRefreshes: { type: 'boolean' },
        generated: object,
        supportsFileTransfer: { type: 'boolean' },
        supportsDataActivation: { type: 'boolean' },
        connectorIPCOptions: object,
      },
    },
  },
} as const;

export interface ConnectorMetadata {
  metadataSpecVersion: string;
  data: {
    name: string;
    definitionId: string;
    connectorType: string;
    connectorSubtype: string;
    dockerRepository: string;
    dockerImageTag: string;
    documentationUrl: string;
    githubIssueLabel: string;
    license: string;
    releaseStage: string;
    supportLevel?: string;
    tags?: string[];
    allowedHosts?: { hosts?: string[] };
    suggestedStreams?: { streams?: string[] };
    maxSecondsBetweenMessages?: number;
  };
}
