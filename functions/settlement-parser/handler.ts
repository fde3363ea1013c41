import type { Readable } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { SettlementsRepository } from '../../shared/adapters/aws/settlements-repository';
import { documentClient, s3Client } from '../../shared/adapters/wiring';
import { DEFAULT_ACCOUNT_MAPPING, parseAccountMapping } from '../../shared/domain/settlement/account-mapping';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { parseWith } from '../../shared/runtime/validation';
import { makeProcessSettlementFile } from '../../shared/use-cases/settlements';

const env = parseEnv(
  z.object({
    DATA_BUCKET: z.string().min(1),
    SETTLEMENTS_TABLE: z.string().min(1),
    EXCEPTIONS_TABLE: z.string().min(1),
    EVENT_BUS: z.string().min(1),
    ACCOUNT_MAPPING: z.string().optional(),
  }),
);
const events = new EventBridgeClient({});
const processFile = makeProcessSettlementFile({
  store: new S3ObjectStore(s3Client, env.DATA_BUCKET),
  settlements: new SettlementsRepository(documentClient, env.SETTLEMENTS_TABLE),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  mapping: env.ACCOUNT_MAPPING ? parseAccountMapping(JSON.parse(env.ACCOUNT_MAPPING)) : DEFAULT_ACCOUNT_MAPPING,
  announce: async (detail) => {
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: env.EVENT_BUS,
            Source: 'scayle-hub.settlements',
            DetailType: 'SettlementJournalCreated',
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
  },
});

/** The S3 "Object Created" event of a file under settlements/incoming/, as EventBridge delivers it. */
const objectCreatedSchema = z.object({
  detail: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string().min(1) }) }),
});

/** S3 -> EventBridge: parses one settlement file into its journal (see makeProcessSettlementFile). */
export const handler = jobHandler(async (event: unknown) => {
  const { detail } = parseWith(objectCreatedSchema, event, 'S3 Object Created event');
  const object = await s3Client.send(new GetObjectCommand({ Bucket: detail.bucket.name, Key: detail.object.key }));
  const result = await processFile(detail.object.key, object.Body as Readable);
  count(`Settlements${result.outcome[0]?.toUpperCase()}${result.outcome.slice(1)}`);
  logger.info('settlement file processed', { key: detail.object.key, ...result });
  return result;
});
