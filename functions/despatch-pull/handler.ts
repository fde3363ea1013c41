import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { CursorStore } from '../../shared/adapters/aws/cursor-store';
import { DespatchQueue } from '../../shared/adapters/aws/fulfilment-queues';
import { LEDGER_TABLE } from '../../shared/adapters/aws/table-schemas';
import { documentClient, orderwiseEnv, orderwiseFrom } from '../../shared/adapters/wiring';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { makePullDespatches } from '../../shared/use-cases/fulfilment/pull-despatches';

const env = parseEnv(
  z.object({ LEDGER_TABLE: z.string().min(1), DESPATCH_QUEUE_URL: z.url() }).extend(orderwiseEnv.shape),
);
const pull = makePullDespatches({
  erp: orderwiseFrom(env),
  cursors: new CursorStore(documentClient, env.LEDGER_TABLE, LEDGER_TABLE.partitionKey),
  queue: new DespatchQueue(new SQSClient({}), env.DESPATCH_QUEUE_URL),
  clock: systemClock,
});

/** Schedule of loop 4: queues every despatch OrderWise recorded since the cursor, behind the pushed exports. */
export const handler = jobHandler(async () => {
  const outcome = await pull();
  count('DespatchesPulled', outcome.queued);
  logger.info('despatches pulled from OrderWise', outcome);
  return outcome;
});
