import type { StageConfig } from '../config/stage-config';
import type { HubFunction } from './hub-function';

/** Gives a function what it needs to call OrderWise: the OW API URL, session, web customer and its secret. */
export const bindOrderwise = (fn: HubFunction, config: StageConfig): HubFunction =>
  fn
    .setEnv('ORDERWISE_API_URL', config.orderwise.apiUrl)
    .setEnv('ORDERWISE_SESSION_ID', String(config.orderwise.sessionId))
    .setEnv('ORDERWISE_CUSTOMER_ACCOUNT', config.orderwise.customerAccount)
    .bindSecret('ORDERWISE_API_SECRET', config.secrets.orderwiseApi);

/** Gives a function what it needs to call SCAYLE's Admin API: the URL and the API key's secret. */
export const bindScayle = (fn: HubFunction, config: StageConfig): HubFunction =>
  fn.setEnv('SCAYLE_API_URL', config.scayle.adminApiUrl).bindSecret('SCAYLE_API_SECRET', config.secrets.scayleApi);
