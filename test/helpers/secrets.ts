/**
 * The secret-leak guard: every API key a test uses must be absent from everything the connector
 * printed. Tests call `assertNoSecrets(run)`; the simulator's keys are listed here once.
 */
import { DEFAULT_KEYS } from '../../src/simulator/index.js';

export const SIMULATOR_KEYS: readonly string[] = Object.keys(DEFAULT_KEYS);

export function assertNoSecrets(output: { stdout: string; stderr: string }, extraSecrets: readonly string[] = []): void {
  for (const secret of [...SIMULATOR_KEYS, ...extraSecrets]) {
    for (const [channel, text] of Object.entries({ stdout: output.stdout, stderr: output.stderr })) {
      if (text.includes(secret)) throw new Error(`the API key ${secret.slice(0, 8)}… leaked into ${channel}`);
    }
  }
}
