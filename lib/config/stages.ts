import type { z } from 'zod';
import { ConfigError } from '../../shared/runtime/errors';
import { mergeConfig, parseStageConfig, type StageConfig, type stageConfigSchema } from './stage-config';

/**
 * The `dev` stage: works out of the box with `cdk synth` and in the local hub, where the peer URLs are replaced
 * by the simulators' loopback addresses. Real stages copy it and set their own tenant, instance and seller.
 */
export const devStage: z.input<typeof stageConfigSchema> = {
  stage: 'dev',
  logRetentionDays: 14,
  retainData: false,
  scayle: {
    adminApiUrl: 'https://acme-test.admin.api.scayle.cloud/api/admin/v1',
    shops: [
      {
        key: 'ac',
        countries: [
          { countryCode: 'DE', id: 1 },
          { countryCode: 'GB', id: 2 },
        ],
      },
    ],
    warehouseReferenceKey: 'WH-MAIN',
  },
  orderwise: { apiUrl: 'https://acme.orderwisecloud.com/OWAPISB', sessionId: 1, customerAccount: 'WEB001' },
  amazon: {
    endpoint: 'https://sandbox.sellingpartnerapi-eu.amazon.com',
    tokenUrl: 'https://api.amazon.com/auth/o2/token',
    sellerId: 'A2SELLERDEV',
    marketplaceIds: ['A1F83G8C2ARO7P', 'A1PA6795UKMFR9'],
    scayleShops: {
      A1F83G8C2ARO7P: { shopKey: 'ac', countryCode: 'GB', channelKey: 'marketplace_amazon_uk' },
      A1PA6795UKMFR9: { shopKey: 'ac', countryCode: 'DE', channelKey: 'marketplace_amazon_de' },
    },
  },
  secrets: {
    scayleApi: 'scayle-hub/dev/scayle-api',
    orderwiseApi: 'scayle-hub/dev/orderwise-api',
    amazonLwa: 'scayle-hub/dev/amazon-lwa',
    scayleWebhook: 'scayle-hub/dev/scayle-webhook',
    orderwiseWebhook: 'scayle-hub/dev/orderwise-webhook',
  },
  schedules: {
    stockReconcile: 'rate(1 hour)',
    stockPull: 'rate(5 minutes)',
    amazonStockPush: 'rate(1 minute)',
    amazonOrderPoll: 'rate(5 minutes)',
    monitors: 'rate(5 minutes)',
    financialReconciliation: 'cron(30 5 * * ? *)',
    settlementPoll: 'rate(6 hours)',
  },
  stock: {
    defaultBuffer: 1,
    skuBuffers: {},
    amazonBuffer: 1,
    driftThreshold: 2,
    fastMovers: [
      { minUnitsPerHour: 10, buffer: 3 },
      { minUnitsPerHour: 30, buffer: 6 },
    ],
    velocityWindowMinutes: 60,
    amazonPatchWindowSeconds: 120,
  },
  windows: {
    ghostOrderMinutes: 15,
    fulfilmentAckMinutes: 120,
    amazonConfirmationAckMinutes: 240,
    lateShipmentMarginHours: 6,
  },
  reconciliation: { toleranceMinor: 1 },
};

/** The stages this repository knows; add one per environment. */
export const stages: Readonly<Record<string, z.input<typeof stageConfigSchema>>> = {
  dev: devStage,
};

/**
 * Resolves the stage named in CDK context (`-c stage=dev`), applying `-c stageOverrides='{"stock":{...}}'`
 * (a JSON string or object) on top, and validates the result.
 */
export const resolveStage = (name: string, overrides?: unknown): StageConfig => {
  const base = stages[name];
  if (!base) throw new ConfigError(`unknown stage '${name}'; known stages: ${Object.keys(stages).join(', ')}`);
  let parsed = overrides;
  if (typeof overrides === 'string') {
    try {
      parsed = JSON.parse(overrides);
    } catch {
      throw new ConfigError(`context stageOverrides is not JSON: ${overrides.slice(0, 80)}`);
    }
  }
  return parseStageConfig(mergeConfig(base, parsed), name);
};
