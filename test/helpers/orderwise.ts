import type { startOrderwiseSimulator } from '../../local/simulators/orderwise';
import { OrderwiseClient, type OrderwiseClientOptions } from '../../shared/adapters/orderwise/client';
import { orderwiseProfileSchema } from '../../shared/adapters/orderwise/profile';
import { recordingClock } from './fake-clock';

/**
 * The hub's OrderWise client for a running simulator, configured as a retailer would configure it for that tenant:
 * the export definition ids its administrator hands over. Quick to give up (2 s) and with a recording clock.
 */
export const orderwiseClientFor = (
  orderwise: Awaited<ReturnType<typeof startOrderwiseSimulator>>,
  overrides: Partial<OrderwiseClientOptions> = {},
): OrderwiseClient =>
  new OrderwiseClient({
    baseUrl: orderwise.apiUrl,
    sessionId: orderwise.sessionId,
    customerAccount: 'SCAYLE-WEB',
    credentials: async () => orderwise.user,
    profile: orderwiseProfileSchema.parse({ exportDefinitions: orderwise.exportDefinitionIds }),
    timeoutMs: 2_000,
    clock: recordingClock(),
    ...overrides,
  });
