import type { Channel, LedgerEntry } from '../../shared/adapters/aws/ledger-repository';
import type { LocalHub } from '../hub/hub';
import { type DayLog, waitUntil } from './day-log';
import type { DayPlan } from './plan';

/** One parcel OrderWise despatched during the day: loop 4 checks SCAYLE shipped it, loop 7 Amazon heard of it. */
export interface Despatch {
  readonly scayleOrderId: string;
  readonly orderNumber: string;
  /** The Step Functions execution's name (`<order number>-<delivery number>`). */
  readonly despatchId: string;
  readonly trackingNumber: string;
  readonly courierName: string;
  /** When OrderWise pushed its export. */
  readonly sentAt: number;
  readonly amazonOrderId?: string;
}

/** What every act of the day works with. */
export interface DayContext {
  readonly hub: LocalHub;
  readonly plan: DayPlan;
  readonly log: DayLog;
  /** When every wait of the day gives up (epoch ms): a broken loop costs the demo its patience, never a hang. */
  readonly deadline: number;
  /** Parcels despatched so far, from web and Amazon orders. */
  readonly despatches: Despatch[];
}

/** A function of the hub by the start of its logical id (as its schedule or `hub` command invokes it). */
const functionOf = (hub: LocalHub, prefix: string) => {
  const fn = [...hub.functions.entries()].find(([id]) => id.startsWith(prefix))?.[1];
  if (!fn) throw new Error(`the hub has no function ${prefix}*`);
  return fn;
};

/** Invokes a function of the hub as its schedule would; the result, or the error as `{error}`. */
export const invokeJob = async <T>(hub: LocalHub, prefix: string, event: unknown): Promise<T | { error: string }> => {
  const outcome = await functionOf(hub, prefix).invoke(event);
  return outcome.ok ? (outcome.result as T) : { error: `${outcome.error.name}: ${outcome.error.message}` };
};

/** POSTs JSON to a simulator's control route. */
export const postJson = async (url: string, body: unknown): Promise<void> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
};

/** The sales order OrderWise holds for a SCAYLE order id (the first, if a bug ever made two). */
export const orderwiseOrderOf = (hub: LocalHub, scayleOrderId: string) =>
  hub.simulators.orderwise.ordersByReference(scayleOrderId)[0];

/**
 * Waits until the ledger entry of every id is `done` or the day's deadline passes, reading again only the entries
 * not done yet. Returns the entries as last read (done or not), by id.
 */
export const settledEntries = async (
  ctx: DayContext,
  channel: Channel,
  ids: readonly string[],
  done: (entry: LedgerEntry) => boolean,
): Promise<Map<string, LedgerEntry>> => {
  const seen = new Map<string, LedgerEntry>();
  await waitUntil(async () => {
    const open = ids.filter((id) => {
      const entry = seen.get(id);
      return !entry || !done(entry);
    });
    for (let i = 0; i < open.length; i += 50) {
      const batch = open.slice(i, i + 50);
      const entries = await Promise.all(batch.map((id) => ctx.hub.ledger.get(channel, id)));
      entries.forEach((entry, k) => {
        if (entry) seen.set(batch[k] as string, entry);
      });
    }
    return ids.every((id) => {
      const entry = seen.get(id);
      return entry && done(entry);
    })
      ? true
      : undefined;
  }, ctx.deadline);
  return seen;
};

/** When a ledger entry first reached `status`. */
export const reachedAt = (entry: LedgerEntry | undefined, status: string): string | undefined =>
  entry?.history.find((h) => h.to === status)?.at;
