import type { AmazonSetupReader } from '../../adapters/amazon/setup';
import type { NamedProbe } from './checks';
import { verdict } from './checks';

/** What the Amazon probes need to know of the stage. */
export interface AmazonDoctorInput {
  readonly reader: Pick<AmazonSetupReader, 'token' | 'participations' | 'checkSellerId' | 'orderChangeSubscription'>;
  /** Lists settlement reports created since a time (the settlement loop's own call). */
  readonly listSettlementReports: (createdSince: Date) => Promise<readonly unknown[]>;
  readonly secretName: string;
  readonly sellerId: string;
  readonly marketplaceIds: readonly string[];
  /** The stage's ORDER_CHANGE queue (stack output `AmazonNotificationsQueueArn`). */
  readonly notificationsQueueArn: string;
  readonly now: number;
}

/** The ORDER_CHANGE types the hub acts on: status changes, and buyers' cancellation requests. */
const NEEDED_CHANGE_TYPES = ['OrderStatusChange', 'BuyerRequestedChange'] as const;

/** The Amazon probes: LWA, participations, seller id, ORDER_CHANGE destination, settlement reports, carrier codes. */
export const amazonProbes = (input: AmazonDoctorInput): NamedProbe[] => {
  const { reader } = input;
  const fix = `check the LWA app and refresh token in secret ${input.secretName} and the stage's amazon.endpoint and tokenUrl`;
  return [
    {
      id: 'amazon.lwa',
      system: 'Amazon',
      fix,
      run: async () => {
        await reader.token('seller');
        return {
          id: 'amazon.lwa',
          system: 'Amazon',
          status: 'pass',
          detail: 'LWA grants an access token for the refresh token',
        };
      },
    },
    {
      id: 'amazon.participations',
      system: 'Amazon',
      fix,
      run: async () => {
        const participating = await reader.participations();
        const missing = input.marketplaceIds.filter((id) => !participating.some((p) => p.id === id));
        const suspended = participating.filter((p) => p.suspendedListings && input.marketplaceIds.includes(p.id));
        return verdict(
          'amazon.participations',
          'Amazon',
          missing.length === 0,
          `the seller participates in ${input.marketplaceIds.join(', ')}${suspended.length ? ` (suspended listings in ${suspended.map((p) => p.id).join(', ')})` : ''}`,
          `the seller does not participate in ${missing.join(', ')} (it does in ${participating.map((p) => p.id).join(', ') || 'none'})`,
          'set amazon.marketplaceIds to marketplaces the seller sells in, or authorise the app for the right seller account',
        );
      },
    },
    {
      id: 'amazon.seller-id',
      system: 'Amazon',
      fix,
      run: async () => {
        const [marketplaceId = ''] = input.marketplaceIds;
        const check = await reader.checkSellerId(input.sellerId, marketplaceId);
        return verdict(
          'amazon.seller-id',
          'Amazon',
          check.accepted,
          `seller id ${input.sellerId} is the seller that authorised the app`,
          `Amazon refuses seller id ${input.sellerId} for this refresh token (${check.accepted ? '' : check.status})`,
          'set amazon.sellerId to the Merchant Token shown in Seller Central (Settings > Account Info > Merchant Token)',
        );
      },
    },
    {
      id: 'amazon.order-change',
      system: 'Amazon',
      fix,
      run: async () => {
        const subscription = await reader.orderChangeSubscription();
        const expected = input.notificationsQueueArn;
        const id = 'amazon.order-change';
        const fixIt = `create a destination for ${expected} (POST /notifications/v1/destinations, grantless) and subscribe ORDER_CHANGE to it (POST /notifications/v1/subscriptions/ORDER_CHANGE) without an event filter, or one naming every marketplace of the stage and ${NEEDED_CHANGE_TYPES.join(' and ')}; delete a subscription that points elsewhere or filters too much first`;
        if (!subscription)
          return verdict(
            id,
            'Amazon',
            false,
            '',
            'there is no ORDER_CHANGE subscription: orders arrive only through the poll, minutes late',
            fixIt,
          );
        if (subscription.sqsArn !== expected)
          return verdict(
            id,
            'Amazon',
            false,
            '',
            `ORDER_CHANGE notifications go to ${subscription.sqsArn ?? 'a destination that is not an SQS queue'}, not ${expected}`,
            fixIt,
          );
        // The event filter narrows what Amazon sends: a marketplace or change type left out is never notified.
        const markets = subscription.marketplaceIds;
        const types = subscription.orderChangeTypes;
        const filteredOut = [
          ...(markets ? input.marketplaceIds.filter((m) => !markets.includes(m)) : []),
          ...(types ? NEEDED_CHANGE_TYPES.filter((t) => !types.includes(t)) : []),
        ];
        return verdict(
          id,
          'Amazon',
          filteredOut.length === 0,
          `ORDER_CHANGE notifications go to ${expected}${markets || types ? ', filtered to what the hub needs' : ''}`,
          `the ORDER_CHANGE subscription's event filter leaves out ${filteredOut.join(', ')}: those orders arrive only through the poll`,
          fixIt,
        );
      },
    },
    {
      id: 'amazon.settlement-reports',
      system: 'Amazon',
      fix,
      run: async () => {
        const reports = await input.listSettlementReports(new Date(input.now - 90 * 86_400_000));
        return {
          id: 'amazon.settlement-reports',
          system: 'Amazon',
          status: 'pass',
          detail: `settlement reports are listable (${reports.length} in the last 90 days)`,
        };
      },
    },
    {
      id: 'amazon.carrier-codes',
      system: 'Amazon',
      fix: '',
      run: async () => ({
        id: 'amazon.carrier-codes',
        system: 'Amazon',
        status: 'cannot-check',
        detail:
          "no SP-API call lists the carrier codes Amazon accepts; every code in the carrier table is checked at synth against Amazon's published list (shared/domain/carriers.ts)",
        fix: "compare the list with Seller Central's carrier list once before go-live",
      }),
    },
  ];
};
