/**
 * Loop 10: the daily money check (invoked as its schedule would, over the day's window) compares every order
 * acknowledged that day with what OrderWise holds now. It must find exactly the order amended by hand.
 */
import type { DayContext } from './context';
import { invokeJob } from './context';
import { plural } from './day-log';

const INVARIANT = 'the money check finds exactly the order amended in OrderWise (ORDER_TOTAL_MISMATCH for finance)';

export const runMoneyCheck = async (ctx: DayContext, amendedOrderId: string | undefined): Promise<void> => {
  const { hub, log } = ctx;
  const startedAt = Date.now();
  const result = await invokeJob<{ checked: number; mismatches: number; reportKey: string }>(
    hub,
    'OrdersOrderReconciliation',
    { from: new Date(log.startedAt - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
  );
  const finishedAt = Date.now();
  log.event(10, "money check over the day's acknowledged orders", startedAt);
  if ('error' in result) {
    log.check(10, INVARIANT, false, `the check failed: ${result.error}`);
    return;
  }
  log.effect(10, `${plural(result.checked, 'order')} compared, report ${result.reportKey}`, finishedAt, result.checked);
  log.latency(10, startedAt, finishedAt);
  const mismatch = amendedOrderId ? await hub.exceptions.get(`ORDER_TOTAL_MISMATCH#${amendedOrderId}`) : undefined;
  const gross = (mismatch?.details.differences as { gross?: { difference?: string } } | undefined)?.gross?.difference;
  log.check(
    10,
    INVARIANT,
    result.mismatches === 1 && mismatch?.owner === 'finance',
    `${plural(result.checked, 'order')} checked, ${plural(result.mismatches, 'mismatch', 'mismatches')}${
      mismatch
        ? `: SCAYLE ${amendedOrderId}, gross off by ${gross ?? '?'} in OrderWise`
        : ` (expected SCAYLE ${amendedOrderId ?? 'none'})`
    }`,
  );
};
