import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/engines/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The endpoint of the DynamoDB Local every hub of the run shares (each in a database of its own). */
    sharedDynamoDb: string;
  }
}

/**
 * Global setup of the end-to-end level: one DynamoDB Local for the whole run instead of a JVM per hub. A JVM start
 * costs seconds of CPU, and a JVM that lives through the run compiles its hot paths, where a hub's own never warms
 * up. Hubs keep apart by access key (see `HubOptions.dynamodb`). Stopped after the last file, also on failure.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamoDbLocal({ longLived: true });
  project.provide('sharedDynamoDb', dynamo.endpoint);
  return () => dynamo.stop();
}
