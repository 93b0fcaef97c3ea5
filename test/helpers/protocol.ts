/**
 * Validation against the official Airbyte protocol schema (test/reference/airbyte_protocol.yaml, copied
 * verbatim from airbytehq/airbyte-protocol) and against our stream schemas. Validators compile once.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { newAjv, type ValidateFunction } from './ajv.js';

const root = new URL('../../', import.meta.url);

let messageValidator: ValidateFunction | undefined;

/** Ajv validator for `#/definitions/AirbyteMessage`. */
export function airbyteMessageValidator(): ValidateFunction {
  if (messageValidator) return messageValidator;
  const ajv = newAjv();
  const protocol = parseYaml(readFileSync(new URL('test/reference/airbyte_protocol.yaml', root), 'utf8')) as Record<string, unknown>;
  ajv.addSchema(protocol, 'airbyte');
  messageValidator = ajv.compile({ $ref: 'airbyte#/definitions/AirbyteMessage' });
  return messageValidator;
}

/** The envelope rule the YAML cannot say: exactly the payload key that matches `type` is set. */
const PAYLOAD_KEY: Record<string, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
};

/** Throws with a readable reason when a message is not a valid AirbyteMessage. */
export function assertAirbyteMessage(message: unknown): void {
  const validate = airbyteMessageValidator();
  if (!validate(message)) {
    throw new Error(`invalid AirbyteMessage ${JSON.stringify(message).slice(0, 300)}: ${JSON.stringify(validate.errors)}`);
  }
  const envelope = message as Record<string, unknown>;
  const expected = PAYLOAD_KEY[String(envelope.type)];
  const payloads = Object.keys(envelope).filter((k) => k !== 'type');
  if (!expected || payloads.length !== 1 || payloads[0] !== expected) {
    throw new Error(`AirbyteMessage of type ${String(envelope.type)} carries ${payloads.join(', ')}`);
  }
}

/** Parses JSON lines; every non-empty line must be JSON (stdout carries messages only). */
export function parseJsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout line ${index + 1} is not JSON: ${line.slice(0, 200)}`);
      }
    });
}

const streamValidators = new Map<string, ValidateFunction>();

/** Ajv validator for schemas/<stream>.json (with `format: date` checked). */
export function streamRecordValidator(stream: string): ValidateFunction {
  const cached = streamValidators.get(stream);
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(new URL(`schemas/${stream}.json`, root), 'utf8')) as Record<string, unknown>;
  const validator = newAjv().compile(schema);
  streamValidators.set(stream, validator);
  return validator;
}

export function assertRecordMatchesSchema(stream: string, data: unknown): void {
  const validate = streamRecordValidator(stream);
  if (!validate(data)) {
    throw new Error(`record of ${stream} breaks its schema: ${JSON.stringify(data).slice(0, 300)} ${JSON.stringify(validate.errors)}`);
  }
}
