import { z } from 'zod';
import { orderwiseProfileSchema } from '../../shared/adapters/orderwise/profile';
import { scayleShopsConfigSchema } from '../../shared/adapters/scayle/shops';
import { carrierTableSchema } from '../../shared/domain/carriers';
import { listingMappingSchema } from '../../shared/domain/listing-mapping';
import { scayleShopSchema } from '../../shared/domain/marketplaces';
import { accountMappingSchema } from '../../shared/domain/settlement/account-mapping';
import { ConfigError } from '../../shared/runtime/errors';
import { fieldIssues } from '../../shared/runtime/validation';
import { LISTING_MAPPINGS } from './listing-mappings';

const schedule = z
  .string()
  .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/, 'must be rate(...) or cron(...)');
const marketplaceId = z.string().regex(/^[A-Z0-9]{10,14}$/, 'must be an Amazon MarketplaceId such as A1F83G8C2ARO7P');
const secretName = z
  .string()
  .min(1)
  .regex(/^[\w/+=.@-]+$/, 'must be a Secrets Manager secret name');

/**
 * Everything that differs between stages (dev, staging, prod ...), validated at synth time so a bad value
 * fails `cdk synth` with the field named instead of failing in production.
 */
export const stageConfigSchema = z
  .object({
    /** Short name used in resource names, e.g. `dev`. */
    stage: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, 'lower-case letters, digits and dashes, 2-16 characters'),
    /** Account and region to deploy to; omitted means the CLI's current ones (environment-agnostic). */
    env: z.object({ account: z.string().regex(/^\d{12}$/), region: z.string().min(1) }).optional(),
    /** Where alarms are e-mailed; omitted means the SNS topic has no subscription yet. */
    alarmEmail: z.email().optional(),
    logRetentionDays: z.union([z.literal(7), z.literal(14), z.literal(30), z.literal(90), z.literal(365)]),
    /** Keep tables and the bucket when the stack is deleted; true for every stage that holds real data. */
    retainData: z.boolean(),
    scayle: z.object({
      /** `https://{tenant}-{space}.admin.api.scayle.cloud/api/admin/v1` */
      adminApiUrl: z.url(),
      /**
       * The shops the hub serves: key (Admin API paths) and countries, each with the shop country's id (order
       * webhooks name it as `locale.appId`). An order event whose shop country is not listed is looked up.
       */
      shops: scayleShopsConfigSchema,
      warehouseReferenceKey: z.string().min(1),
      /** Multiplies every Admin API per-minute limit the client keeps to: 1 unless SCAYLE raised this tenant's. */
      rateLimitScale: z.number().positive().default(1),
      /** The merchant whose stock the hub writes: required by a multi-merchant tenant, left out otherwise. */
      merchantReferenceKey: z.string().min(1).optional(),
      /**
       * The sweep that finds orders whose webhook never came: the orders SCAYLE lists as updated in the trailing
       * window, confirmed at least `graceMinutes` ago, that the ledger does not know. `updatedSinceFilter` is the
       * list's query parameter for "updated at or after" [A: the Admin API documents it for customers, not orders;
       * `hub doctor` checks the tenant honours it].
       */
      orderSweep: z
        .object({
          updatedSinceFilter: z.string().min(1).default('filters[minUpdatedAt]'),
          windowHours: z.number().positive().max(72).default(6),
          graceMinutes: z.number().min(0).default(10),
          /** Pages (of 100) one run reads per shop country before it leaves the rest to the next run. */
          maxPages: z.number().int().positive().default(50),
        })
        .prefault({}),
    }),
    orderwise: z.object({
      /** `https://{instance}.orderwisecloud.com/owapi` */
      apiUrl: z.url(),
      sessionId: z.number().int().positive(),
      customerAccount: z.string().min(1),
      /**
       * How this tenant's OrderWise answers where no public source says (export definition ids, parameter and date
       * forms, columns, status words, cancel and amend paths ...); `hub doctor` checks it against the tenant.
       */
      profile: orderwiseProfileSchema.prefault({}),
    }),
    amazon: z.object({
      endpoint: z.url(),
      tokenUrl: z.url(),
      sellerId: z.string().min(1),
      marketplaceIds: z.array(marketplaceId).min(1),
      /**
       * The SCAYLE shop (and its external-order channel key) each marketplace's orders are created in. Every
       * marketplace in `marketplaceIds` needs one.
       */
      scayleShops: z.record(marketplaceId, scayleShopSchema),
      /** Multiplies every SP-API usage plan rate: 1 unless Amazon raised this seller's plans. */
      usagePlanScale: z.number().positive().default(1),
      /** Hours a Pending Amazon order's units stay reserved if the order is never seen again. */
      reservationHours: z.number().positive().default(72),
    }),
    /** Secrets Manager names; the secrets are created by the operator before the first deploy (README). */
    secrets: z.object({
      scayleApi: secretName,
      orderwiseApi: secretName,
      amazonLwa: secretName,
      scayleWebhook: secretName,
      orderwiseWebhook: secretName,
    }),
    schedules: z.object({
      /** Full stock reconcile (OrderWise vs ledger vs SCAYLE) and full Amazon sync. */
      stockReconcile: schedule,
      /** The pull of OrderWise stock changes behind its pushed exports. */
      stockPull: schedule.default('rate(5 minutes)'),
      /** Rounds of the Amazon quantity and price push; one round runs at a time whatever this says. */
      amazonStockPush: schedule.default('rate(1 minute)'),
      amazonOrderPoll: schedule,
      /** The pull of OrderWise despatches behind its pushed exports. */
      despatchPull: schedule.default('rate(10 minutes)'),
      /** The sweep for SCAYLE orders whose webhook never came (`scayle.orderSweep`). */
      orderSweep: schedule.default('rate(15 minutes)'),
      /** The full catalogue sync: every SCAYLE product mapped to its Amazon listings again (changes go at once). */
      catalogueSync: schedule.default('rate(1 day)'),
      monitors: schedule,
      financialReconciliation: schedule,
      settlementPoll: schedule,
    }),
    stock: z.object({
      /** Units held back from SCAYLE for every SKU. */
      defaultBuffer: z.number().int().min(0),
      /** Per-SKU overrides of the default buffer. */
      skuBuffers: z.record(z.string(), z.number().int().min(0)),
      /** Extra units held back from Amazon on top of SCAYLE's sellable quantity. */
      amazonBuffer: z.number().int().min(0),
      /** Drift (units) above which the reconcile raises STOCK_DRIFT. */
      driftThreshold: z.number().int().min(0),
      /**
       * Fast movers: a SKU selling at least `minUnitsPerHour` (free-stock decreases, decayed over the velocity
       * window) keeps at least `buffer` units back from SCAYLE. A per-SKU buffer overrides these.
       */
      fastMovers: z
        .array(z.object({ minUnitsPerHour: z.number().positive(), buffer: z.number().int().min(0) }))
        .default([]),
      /** Time constant of the sales velocity, in minutes. */
      velocityWindowMinutes: z.number().int().positive().default(60),
      /**
       * A backlog of Amazon updates that would take longer than this one patchListingsItem at a time (at 5 per
       * second) goes as a JSON_LISTINGS_FEED instead.
       */
      amazonPatchWindowSeconds: z.number().int().positive().max(3_600).default(120),
    }),
    /** How long the hub waits before it raises an exception; fractions of a minute are allowed (tests use them). */
    windows: z.object({
      ghostOrderMinutes: z.number().positive(),
      fulfilmentAckMinutes: z.number().positive(),
      amazonConfirmationAckMinutes: z.number().positive(),
      lateShipmentMarginHours: z.number().positive(),
    }),
    /**
     * OrderWise courier name -> Amazon carrier code and SCAYLE carrier key, on top of the default table
     * (shared/domain/carriers.ts); every Amazon code must be on Amazon's list, checked here at synth time.
     */
    carriers: carrierTableSchema.default({}),
    /** Loop 8: which listing mapping (lib/config/listing-mappings.ts) turns SCAYLE products into Amazon listings. */
    catalogue: z.object({ mapping: z.string().min(1).default('apparel') }).default({ mapping: 'apparel' }),
    /** Replaces the default settlement account mapping (shared/domain/settlement/account-mapping.ts) when set. */
    settlementAccountMapping: accountMappingSchema.optional(),
    /** What stands between the internet and the webhook routes. */
    edge: z
      .object({
        /**
         * Requests one IP address may send in five minutes before AWS WAF blocks it (WAF's minimum is 10). The
         * default is a webhook route's own throttle (20 a second) held for five minutes: a peer sending from one
         * address meets the throttle's 429, which it retries, before the WAF's 403.
         */
        wafRateLimitPer5Minutes: z.number().int().min(10).default(6_000),
        /**
         * OrderWise's addresses (CIDRs) when known: its export routes then refuse every other sender at the WAF.
         * Empty: any address with the right Basic credentials.
         */
        orderwiseAllowList: z
          .array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 203.0.113.7/32'))
          .default([]),
        /**
         * Reserved concurrency of each webhook function: a flood of one route can take no more than this of the
         * account's concurrency from the consumers. An account below AWS's default limit (1,000) may need less.
         */
        intakeConcurrency: z.number().int().min(1).default(10),
      })
      .prefault({}),
    reconciliation: z.object({
      /** Largest difference in minor units between SCAYLE and OrderWise totals that is not a mismatch. */
      toleranceMinor: z.number().int().min(0),
    }),
  })
  .superRefine((config, ctx) => {
    // Only dev may lose its data with its stack: every other stage holds orders, journals and stock history.
    if (config.stage !== 'dev' && !config.retainData)
      ctx.addIssue({
        code: 'custom',
        path: ['retainData'],
        message: `stage '${config.stage}' must keep its data (retainData: true); only dev may be deleted with its stack`,
      });
    const mapping = LISTING_MAPPINGS[config.catalogue.mapping];
    if (!mapping) {
      ctx.addIssue({
        code: 'custom',
        path: ['catalogue', 'mapping'],
        message: `no listing mapping '${config.catalogue.mapping}'; known: ${Object.keys(LISTING_MAPPINGS).join(', ')}`,
      });
    } else {
      const parsed = listingMappingSchema.safeParse(mapping);
      for (const issue of parsed.error?.issues ?? [])
        ctx.addIssue({
          code: 'custom',
          path: ['catalogue', 'mapping', ...issue.path.map(String)],
          message: issue.message,
        });
      for (const id of Object.keys(parsed.data?.marketplaces ?? {}))
        if (!config.amazon.marketplaceIds.includes(id))
          ctx.addIssue({
            code: 'custom',
            path: ['catalogue', 'mapping', 'marketplaces', id],
            message: `the listing mapping lists in ${id}, which is not in amazon.marketplaceIds`,
          });
    }
    for (const [i, id] of config.amazon.marketplaceIds.entries()) {
      if (!config.amazon.scayleShops[id])
        ctx.addIssue({
          code: 'custom',
          path: ['amazon', 'scayleShops', id],
          message: `marketplace ${id} (amazon.marketplaceIds.${i}) needs the SCAYLE shop its orders go to`,
        });
    }
  });

/** A stage's validated configuration. */
export type StageConfig = z.output<typeof stageConfigSchema>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Merges `override` into `base` key by key (objects recursively; arrays and values replace). */
export const mergeConfig = (base: unknown, override: unknown): unknown => {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeConfig(base[key], value);
  return merged;
};

/**
 * Validates a stage configuration.
 * @throws ConfigError naming every invalid field, e.g. `stage config 'prod' is not valid: amazon.marketplaceIds.0: ...`.
 */
export const parseStageConfig = (input: unknown, name = 'unnamed'): StageConfig => {
  const result = stageConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw new ConfigError(
    `stage config '${name}' is not valid: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    issues,
  );
};
