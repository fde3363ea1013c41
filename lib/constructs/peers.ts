import type { StageConfig } from '../config/stage-config';
import type { HubFunction } from './hub-function';

/**
 * Gives a function what it needs to call OrderWise: the OW API URL, session, web customer, the tenant's profile
 * and the API user's secret.
 */
export const bindOrderwise = (fn: HubFunction, config: StageConfig): HubFunction =>
  fn
    .setEnv('ORDERWISE_API_URL', config.orderwise.apiUrl)
    .setEnv('ORDERWISE_SESSION_ID', String(config.orderwise.sessionId))
    .setEnv('ORDERWISE_CUSTOMER_ACCOUNT', config.orderwise.customerAccount)
    .setEnv('ORDERWISE_PROFILE', JSON.stringify(config.orderwise.profile))
    .bindSecret('ORDERWISE_API_SECRET', config.secrets.orderwiseApi);

/** Gives a function what it needs to call SCAYLE's Admin API: the URL, the shops and the API key's secret. */
export const bindScayle = (fn: HubFunction, config: StageConfig): HubFunction => {
  if (config.scayle.merchantReferenceKey)
    fn.setEnv('SCAYLE_MERCHANT_REFERENCE_KEY', config.scayle.merchantReferenceKey);
  return bindScayleShops(fn, config)
    .setEnv('SCAYLE_API_URL', config.scayle.adminApiUrl)
    .setEnv('SCAYLE_RATE_LIMIT_SCALE', String(config.scayle.rateLimitScale))
    .bindSecret('SCAYLE_API_SECRET', config.secrets.scayleApi);
};

/**
 * Gives a function the stage's SCAYLE shops (`SCAYLE_SHOPS`, read with `scayleShopsEnv`): which shop country a
 * webhook's `locale.appId` names, and where an order of unknown shop is looked for.
 */
export const bindScayleShops = (fn: HubFunction, config: StageConfig): HubFunction =>
  fn.setEnv('SCAYLE_SHOPS', JSON.stringify(config.scayle.shops));

/**
 * Gives a function what it needs to call the SP-API: the regional endpoint, the LWA token URL, the seller and
 * marketplaces, the usage plan scale and the LWA secret.
 */
export const bindAmazon = (fn: HubFunction, config: StageConfig): HubFunction =>
  fn
    .setEnv('AMAZON_ENDPOINT', config.amazon.endpoint)
    .setEnv('AMAZON_TOKEN_URL', config.amazon.tokenUrl)
    .setEnv('AMAZON_SELLER_ID', config.amazon.sellerId)
    .setEnv('AMAZON_MARKETPLACE_IDS', config.amazon.marketplaceIds.join(','))
    .setEnv('AMAZON_USAGE_PLAN_SCALE', String(config.amazon.usagePlanScale))
    .bindSecret('AMAZON_LWA_SECRET', config.secrets.amazonLwa);
