/**
 * `hub stock explain <sku>`: why SCAYLE and Amazon show what they show for a SKU: OrderWise's figure and when it
 * changed, the buffer and reservations held back, and what SCAYLE and each Amazon marketplace were told, when and how.
 */
import type { Command } from 'commander';
import type { CatalogueEntry } from '../../shared/adapters/aws/catalogue-repository';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { type StockItem, StockRepository } from '../../shared/adapters/aws/stock-repository';
import { reservedUnits } from '../../shared/domain/stock';
import { NotFoundError } from '../../shared/runtime/errors';
import { resolveTarget } from './target';

/** The explanation of one SKU as lines of text. */
export const explainStock = (
  sku: string,
  item: StockItem | undefined,
  entry: CatalogueEntry | undefined,
  now: number,
): string[] => {
  const lines = [`SKU ${sku}`];
  lines.push(
    entry
      ? `  catalogue map: OrderWise ${entry.orderwiseVariantCode ?? '(none)'}; Amazon ${
          Object.entries(entry.amazon ?? {})
            .map(([m, a]) => `${a.sellerSku}@${m}`)
            .join(', ') || '(not listed)'
        }`
      : '  catalogue map: (no entry: stock for this SKU is not synced)',
  );
  if (!item) return [...lines, '  no stock figure received yet'];
  lines.push(
    item.owQuantity === undefined
      ? '  OrderWise: no figure yet'
      : `  OrderWise: free stock ${item.owQuantity}, changed ${item.owChangedAt} (via ${item.owSource}, received ${item.owReceivedAt})`,
  );
  if (item.velocity)
    lines.push(
      `  sales velocity: ${item.velocity.unitsPerHour.toFixed(1)} units/hour at ${new Date(item.velocity.at).toISOString()}`,
    );
  const reservations = Object.entries(item.reservations ?? {});
  lines.push(
    `  reservations: ${reservedUnits(item.reservations, now)} units held${
      reservations.length
        ? ` (${reservations.map(([ref, r]) => `${ref}: ${r.quantity} until ${r.expiresAt}`).join(', ')})`
        : ''
    }`,
  );
  lines.push(
    item.scayle
      ? `  SCAYLE: told ${item.scayle.quantity} (= ${item.owQuantity ?? '?'} - buffer ${item.scayle.buffer} - reserved ${item.scayle.reserved}, never below 0), changedAt ${item.scayle.changedAt}, pushed ${item.scayle.pushedAt} (${item.scayle.via})`
      : '  SCAYLE: nothing pushed yet',
  );
  if (item.scayleObserved)
    lines.push(
      `  SCAYLE reported: ${item.scayleObserved.quantity}, changedAt ${item.scayleObserved.changedAt} (read ${item.scayleObserved.observedAt})`,
    );
  for (const [currency, price] of Object.entries(item.prices ?? {}))
    lines.push(`  SCAYLE price: ${(price.amountMinor / 100).toFixed(2)} ${currency} (read ${price.observedAt})`);
  const amazon = Object.entries(item.amazon ?? {});
  if (amazon.length === 0) lines.push('  Amazon: nothing pushed yet');
  for (const [marketplaceId, told] of amazon) {
    lines.push(
      `  Amazon ${marketplaceId}: ${told.sellerSku} quantity ${told.quantity ?? '-'}${
        told.priceMinor === undefined ? '' : `, price ${(told.priceMinor / 100).toFixed(2)} ${told.currency}`
      }, ${told.status} via ${told.via} at ${told.pushedAt}`,
    );
  }
  if (item.amazonPending)
    lines.push(`  Amazon update pending since ${item.amazonDirtyAt}${item.amazonForce ? ' (full sync)' : ''}`);
  if (item.amazonFeed)
    lines.push(
      `  in a feed since ${item.amazonFeed.submittedAt}: ${Object.entries(item.amazonFeed.messages)
        .map(([m, f]) => `${m} feed ${f.feedId}`)
        .join(', ')}`,
    );
  return lines;
};

/** Registers `hub stock explain`. */
export const registerStockCommands = (program: Command): void => {
  program
    .command('stock')
    .description('stock loop commands')
    .command('explain <sku>')
    .description('explain what SCAYLE and Amazon were told for a SKU, and why')
    .option('--local', 'the local hub (npm start)')
    .option('--stage <name>', 'a deployed stage')
    .action(async (sku: string, options: { local?: boolean; stage?: string }) => {
      const target = await resolveTarget(options);
      const db = makeDocumentClient(target.dynamodb);
      const [item, entry] = await Promise.all([
        new StockRepository(db, target.output('StockTableName')).get(sku),
        new CatalogueRepository(db, target.output('CatalogueTableName')).get(sku),
      ]);
      if (!item && !entry) throw new NotFoundError(`${target.name} knows no SKU ${sku}`);
      console.log(explainStock(sku, item, entry, Date.now()).join('\n'));
    });
};
