import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { despatchIdOf } from '../../shared/adapters/orderwise/export-format';
import { documentClient } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { sqsFifoHandler } from '../../shared/runtime/handler';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';
import { despatchMessageSchema } from '../../shared/schemas/queue-messages';
import type { DespatchInput } from '../../shared/use-cases/fulfilment/despatch-steps';

const env = parseEnv(z.object({ DESPATCH_STATE_MACHINE_ARN: z.string().min(1), FAILURES_TABLE: z.string().min(1) }));
const sfn = new SFNClient({});

/**
 * Consumes the despatch FIFO queue: one Step Functions execution per package, named by its despatch id, so a
 * repeated export (or the pull seeing what the push brought) starts nothing new: Step Functions refuses a second
 * execution of a name (ExecutionAlreadyExists), which is counted, not an error. A package without a tracking
 * number cannot be told to SCAYLE or Amazon and is logged and counted.
 */
export const handler = sqsFifoHandler(
  despatchMessageSchema,
  async (message) => {
    for (const delivery of message.deliveries) {
      const despatchId = despatchIdOf(
        {
          orderNumber: message.orderNumber,
          eCommerceOrderNumber: message.scayleOrderId,
          orderStatus: message.orderStatus,
          deliveries: [],
        },
        delivery,
      );
      if (delivery.consignmentNumbers.length === 0) {
        logger.warn('package without a tracking number', { despatchId });
        count('DespatchesWithoutTracking');
        continue;
      }
      const input: DespatchInput = {
        despatchId,
        orderNumber: message.orderNumber,
        scayleOrderId: message.scayleOrderId,
        receivedAt: message.receivedAt,
        delivery,
      };
      try {
        await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: env.DESPATCH_STATE_MACHINE_ARN,
            name: despatchId,
            input: JSON.stringify(input),
          }),
        );
        count('DespatchesStarted');
      } catch (error) {
        if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
        count('DespatchesRepeated');
      }
    }
  },
  { failures: new FailuresRepository(documentClient, env.FAILURES_TABLE) },
);
