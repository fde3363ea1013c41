import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { AmazonConfirmationsQueue } from '../../shared/adapters/aws/fulfilment-queues';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { documentClient, scayleEnv, scayleFrom } from '../../shared/adapters/wiring';
import { carrierTableSchema } from '../../shared/domain/carriers';
import { systemClock } from '../../shared/runtime/clock';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { count } from '../../shared/runtime/metrics';
import { parseWith } from '../../shared/runtime/validation';
import {
  type DespatchPlan,
  despatchInputSchema,
  makeDespatchSteps,
  type ScayleSync,
} from '../../shared/use-cases/fulfilment/despatch-steps';

const env = parseEnv(
  z
    .object({
      LEDGER_TABLE: z.string().min(1),
      CATALOGUE_TABLE: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      AMAZON_CONFIRMATIONS_QUEUE_URL: z.url(),
      CARRIER_TABLE: z.string().transform((json) => carrierTableSchema.parse(JSON.parse(json))),
      FULFILMENT_ACK_MINUTES: z.coerce.number().positive(),
      AMAZON_CONFIRMATION_ACK_MINUTES: z.coerce.number().positive(),
    })
    .extend(scayleEnv.shape),
);
const steps = makeDespatchSteps({
  ledger: new LedgerRepository(documentClient, env.LEDGER_TABLE),
  catalogue: new CatalogueRepository(documentClient, env.CATALOGUE_TABLE),
  commerce: scayleFrom(env),
  confirmations: new AmazonConfirmationsQueue(new SQSClient({}), env.AMAZON_CONFIRMATIONS_QUEUE_URL),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
  carriers: env.CARRIER_TABLE,
  windows: {
    fulfilmentAckMinutes: env.FULFILMENT_ACK_MINUTES,
    amazonConfirmationAckMinutes: env.AMAZON_CONFIRMATION_ACK_MINUTES,
  },
  clock: systemClock,
});

/** What every task of the despatch state machine sends: its step and the execution's state so far. */
const eventSchema = z.object({
  step: z.enum(['prepare', 'sync-scayle', 'request-amazon', 'check-amazon', 'fulfilment-unacked', 'amazon-unacked']),
  state: despatchInputSchema.extend({
    plan: z.unknown().optional(),
    scayle: z.unknown().optional(),
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  }),
});

/**
 * The tasks of the despatch state machine (lib/constructs/fulfilment-loop.ts), one function with a step per task
 * so that every task shares the clients' warm containers. Errors propagate by their class name, which the state
 * machine's Retry and Catch match.
 */
export const handler = jobHandler(async (event: unknown) => {
  const { step, state } = parseWith(eventSchema, event, 'despatch step');
  const plan = state.plan as DespatchPlan;
  switch (step) {
    case 'prepare':
      return steps.prepare(state);
    case 'sync-scayle': {
      const result = await steps.syncScayle(state, plan);
      if (result.acknowledged) count('ShipmentsAcknowledged');
      return result;
    }
    case 'request-amazon':
      return steps.requestAmazon(state, plan, state.scayle as ScayleSync);
    case 'check-amazon':
      return steps.checkAmazon(plan);
    case 'fulfilment-unacked':
      count('FulfilmentUnacked');
      return steps.raise(
        'FULFILMENT_UNACKED',
        state,
        plan,
        state.error?.Cause ?? (state.scayle as ScayleSync | undefined)?.waitingFor,
      );
    case 'amazon-unacked':
      count('AmazonConfirmationUnacked');
      return steps.raise('AMAZON_CONFIRMATION_UNACKED', state, plan, state.error?.Cause);
  }
});
