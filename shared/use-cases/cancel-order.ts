import type { LedgerEntry } from '../adapters/aws/ledger-repository';
import type { OrderStatus } from '../domain/order-status';
import type { ErpGateway, ExceptionSink, OrderLedger } from '../ports';
import { ConditionFailedError } from '../runtime/errors';
import type { OrderEventMessage } from '../schemas/queue-messages';
import { isCancelledIn } from '../schemas/scayle';
import { knownShopOf, type LocateOrder } from './locate-scayle-order';
import { OrderBusyError, recordOrder } from './post-order';

/** What became of one cancellation; `ignored` when SCAYLE does not show the order cancelled (or at all). */
export type CancelOutcome = 'cancelled' | 'return_required' | 'duplicate' | 'ignored';

/** The ports cancelling needs. */
export interface CancelOrderDeps {
  /** Finds the order and its shop in SCAYLE: the cancel is re-read there before anything is done. */
  readonly locate: LocateOrder;
  readonly erp: ErpGateway;
  readonly ledger: OrderLedger;
  readonly exceptions: ExceptionSink;
  readonly now?: () => number;
}

/**
 * Carries a SCAYLE cancellation to OrderWise. The webhook is a trigger, not a fact: the order is re-read from SCAYLE
 * and nothing happens unless SCAYLE shows it cancelled, so a forged or early cancel changes nothing, and an order
 * SCAYLE does not know is never recorded (its real confirmation would otherwise find it closed). An order OrderWise
 * never got is simply closed; one it has is
 * cancelled there while its status allows; once picking has started or it is despatched, the order is marked
 * `return_required` and customer service gets a `CANCEL_TOO_LATE` exception. An order still `pending` may have
 * reached OrderWise in an attempt that never answered, so it is looked up there first.
 */
export const makeCancelOrder =
  ({ locate, erp, ledger, exceptions, now = Date.now }: CancelOrderDeps) =>
  async (message: OrderEventMessage): Promise<CancelOutcome> => {
    const { orderId } = message;
    const known = await ledger.get('scayle', orderId);
    if (known?.status === 'cancelled' || known?.status === 'return_required') return 'duplicate';
    const located = await locate(orderId, knownShopOf(message, known?.data));
    if (!located || !isCancelledIn(located.order)) return 'ignored';
    const entry = known ?? (await recordOrder(ledger, message, located.shop));
    if (entry.status === 'cancelled' || entry.status === 'return_required') return 'duplicate';

    const move = async (from: OrderStatus, to: 'cancelled' | 'return_required', reason: string) => {
      try {
        // Never close an order under a worker that is posting it right now (its lease is live).
        await ledger.transition('scayle', orderId, {
          from,
          to,
          reason,
          note: `${message.event} ${message.eventId}`,
          ...(from === 'pending' ? { lease: { now: new Date(now()).toISOString() } } : {}),
        });
      } catch (error) {
        if (error instanceof ConditionFailedError) throw new OrderBusyError(`order ${orderId} moved while cancelling`);
        throw error;
      }
    };

    const erpOrderId = await erpOrderIdOf(erp, entry);
    if (erpOrderId === undefined) {
      await move(entry.status, 'cancelled', 'cancelled in SCAYLE before it reached OrderWise');
      return 'cancelled';
    }

    const state = await erp.getSalesOrder(erpOrderId);
    if (!state.cancelled) {
      const result = state.cancellable ? await erp.cancelSalesOrder(erpOrderId) : 'too-late';
      if (result === 'too-late') {
        const why = `OrderWise order ${state.orderNumber} is ${state.status}${state.subStatus ? ` (${state.subStatus})` : ''}`;
        // Exception first: an order the ledger shows as return_required always has its exception.
        await exceptions.raise('CANCEL_TOO_LATE', orderId, {
          orderId,
          orderwiseOrderNumber: state.orderNumber,
          orderwiseStatus: state.status,
          orderwiseSubStatus: state.subStatus ?? null,
        });
        await move(entry.status, 'return_required', why);
        return 'return_required';
      }
    }
    await move(entry.status, 'cancelled', `cancelled in OrderWise (${state.orderNumber})`);
    return 'cancelled';
  };

/** The OrderWise order id of a ledger entry, looking it up when a post attempt may have committed unseen. */
const erpOrderIdOf = async (erp: ErpGateway, entry: LedgerEntry): Promise<number | undefined> => {
  if (entry.data.orderwiseOrderId !== undefined) return Number(entry.data.orderwiseOrderId);
  if (entry.status !== 'pending') return undefined;
  return (await erp.findSalesOrder(entry.orderId))?.orderId;
};
