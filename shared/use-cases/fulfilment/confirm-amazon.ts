import type { ExceptionsRepository } from '../../adapters/aws/exceptions-repository';
import type { LedgerEntry } from '../../adapters/aws/ledger-repository';
import type { OrderLedger } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { ConditionFailedError, RetryableError } from '../../runtime/errors';
import type { AmazonOrderItem } from '../../schemas/amazon-orders';
import type { AmazonConfirmationMessage } from '../../schemas/queue-messages';
import { packageKey } from './despatch-steps';

/** The ports of the Amazon confirmations consumer. */
export interface ConfirmAmazonDeps {
  readonly amazon: {
    confirmShipment(
      amazonOrderId: string,
      confirmation: Omit<AmazonConfirmationMessage, 'despatchId' | 'amazonOrderId'>,
    ): Promise<void>;
    getOrderItems(amazonOrderId: string): Promise<AmazonOrderItem[]>;
  };
  readonly ledger: Pick<OrderLedger, 'get' | 'transition'>;
  /** Closes the order's LATE_SHIPMENT_RISK once Amazon shows it shipped. */
  readonly exceptions: Pick<ExceptionsRepository, 'resolveOpen'>;
  readonly clock: Clock;
}

/** Amazon has not shown the package shipped yet: the message comes back and the package is confirmed again. */
export class AmazonNotShippedYetError extends RetryableError {}

/**
 * Loop 7: one package confirmed to Amazon (`confirmShipment`, `packageReferenceId` stable per package, so a
 * resend edits the package and never moves the ship date), then checked: Amazon's items show the package's
 * quantities shipped. What Amazon said is recorded on the Amazon order's ledger entry under `package:<ref>`, where
 * the despatch state machine reads it. Not shown shipped yet: the message fails and comes back (and after
 * maxReceiveCount it is a dead letter, and the state machine's window raises AMAZON_CONFIRMATION_UNACKED).
 */
export const makeConfirmAmazon =
  ({ amazon, ledger, exceptions, clock }: ConfirmAmazonDeps) =>
  async (message: AmazonConfirmationMessage): Promise<'confirmed'> => {
    const { despatchId, amazonOrderId, ...confirmation } = message;
    await amazon.confirmShipment(amazonOrderId, confirmation);
    const confirmedAt = new Date(clock.now()).toISOString();
    const items = await amazon.getOrderItems(amazonOrderId);
    const shipped = message.orderItems.every(
      (line) => (items.find((i) => i.OrderItemId === line.orderItemId)?.QuantityShipped ?? 0) >= line.quantity,
    );
    const key = packageKey(message.packageReferenceId);
    let entry: LedgerEntry | undefined = await ledger.get('amazon', amazonOrderId);
    for (let attempt = 0; attempt < 3 && entry; attempt++) {
      try {
        await ledger.transition('amazon', amazonOrderId, {
          from: entry.status,
          to: entry.status,
          note: `package ${message.packageReferenceId} confirmed (${message.carrierCode} ${message.trackingNumber})${shipped ? ', Amazon shows it shipped' : ''}`,
          data: {
            [key]: {
              despatchId,
              trackingNumber: message.trackingNumber,
              carrierCode: message.carrierCode,
              confirmedAt,
              ...(shipped ? { shippedSeenAt: new Date(clock.now()).toISOString() } : {}),
            },
          },
        });
        break;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        entry = await ledger.get('amazon', amazonOrderId);
      }
    }
    if (shipped) await exceptions.resolveOpen('LATE_SHIPMENT_RISK', amazonOrderId);
    if (!shipped)
      throw new AmazonNotShippedYetError(
        `Amazon does not show package ${message.packageReferenceId} of ${amazonOrderId} shipped yet`,
      );
    return 'confirmed';
  };
