import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { jsonEnv } from '../runtime/env';
import { lwaCredentialsSchema, SpApiClient } from './amazon/client';
import { makeDocumentClient } from './aws/dynamodb';
import { readSecret } from './aws/secrets';
import { OrderwiseClient, orderwiseCredentialsSchema } from './orderwise/client';
import { orderwiseProfileSchema } from './orderwise/profile';
import { ScayleClient, scayleCredentialsSchema } from './scayle/client';
import { scayleShopsEnv } from './scayle/shops';

/**
 * Environment fragments and client factories shared by the handlers, so each handler's module scope is a
 * few lines and every function builds its clients the same way. Names match what the CDK `bind*` helpers set.
 */

/** Environment of a function that talks to SCAYLE. */
export const scayleEnv = z
  .object({
    SCAYLE_API_URL: z.url(),
    SCAYLE_API_SECRET: z.string().min(1),
    /** Stage config `scayle.rateLimitScale`: 1 unless SCAYLE raised the tenant's limits. */
    SCAYLE_RATE_LIMIT_SCALE: z.coerce.number().positive().default(1),
    /** Stage config `scayle.merchantReferenceKey`: set only for a multi-merchant tenant. */
    SCAYLE_MERCHANT_REFERENCE_KEY: z.string().min(1).optional(),
  })
  .extend(scayleShopsEnv.shape);

/** Environment of a function that talks to OrderWise. */
export const orderwiseEnv = z.object({
  ORDERWISE_API_URL: z.url(),
  ORDERWISE_SESSION_ID: z.coerce.number().int().positive(),
  ORDERWISE_CUSTOMER_ACCOUNT: z.string().min(1),
  ORDERWISE_API_SECRET: z.string().min(1),
  /** Stage config `orderwise.profile` as JSON: how the tenant's OrderWise answers (defaults when absent). */
  ORDERWISE_PROFILE: jsonEnv(orderwiseProfileSchema, '{}'),
});

/** Environment of a function that talks to the SP-API. */
export const amazonEnv = z.object({
  AMAZON_ENDPOINT: z.url(),
  AMAZON_TOKEN_URL: z.url(),
  AMAZON_LWA_SECRET: z.string().min(1),
  /** Stage config `amazon.usagePlanScale`: 1 unless Amazon raised the seller's usage plans. */
  AMAZON_USAGE_PLAN_SCALE: z.coerce.number().positive().default(1),
  /** The part of each usage plan one container may use: 1 / the function's maximum concurrency. */
  AMAZON_USAGE_PLAN_SHARE: z.coerce.number().positive().max(1).default(1),
});

/** The SP-API client of a function. */
export const amazonFrom = (env: z.output<typeof amazonEnv>): SpApiClient =>
  new SpApiClient({
    endpoint: env.AMAZON_ENDPOINT,
    tokenUrl: env.AMAZON_TOKEN_URL,
    credentials: () => readSecret(env.AMAZON_LWA_SECRET, lwaCredentialsSchema),
    rateScale: env.AMAZON_USAGE_PLAN_SCALE,
    share: env.AMAZON_USAGE_PLAN_SHARE,
  });

/** The SCAYLE client of a function. */
export const scayleFrom = (env: z.output<typeof scayleEnv>): ScayleClient =>
  new ScayleClient({
    baseUrl: env.SCAYLE_API_URL,
    credentials: () => readSecret(env.SCAYLE_API_SECRET, scayleCredentialsSchema),
    rateScale: env.SCAYLE_RATE_LIMIT_SCALE,
    ...(env.SCAYLE_MERCHANT_REFERENCE_KEY ? { merchantReferenceKey: env.SCAYLE_MERCHANT_REFERENCE_KEY } : {}),
  });

/** The OrderWise client of a function. */
export const orderwiseFrom = (env: z.output<typeof orderwiseEnv>): OrderwiseClient =>
  new OrderwiseClient({
    baseUrl: env.ORDERWISE_API_URL,
    sessionId: env.ORDERWISE_SESSION_ID,
    customerAccount: env.ORDERWISE_CUSTOMER_ACCOUNT,
    credentials: () => readSecret(env.ORDERWISE_API_SECRET, orderwiseCredentialsSchema),
    profile: env.ORDERWISE_PROFILE,
  });

/** One DynamoDB document client per container. */
export const documentClient = makeDocumentClient(new DynamoDBClient({}));

/** One S3 client per container. */
export const s3Client = new S3Client({});
