/**
 * `hub catalogue import <file> [--dry-run] [--json]`: checks a catalogue CSV (format in
 * shared/use-cases/catalogue/import-catalogue.ts) against the stored catalogue map and imports it, all or nothing,
 * then queues a listing sync. `hub catalogue preview <product>`: what a sync would send, checked by Amazon.
 * `hub catalogue sync [--product <key>...]`: queues listing syncs now.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { Command } from 'commander';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { NotFoundError, UpstreamError } from '../../shared/runtime/errors';
import { type CatalogueImportReport, makeImportCatalogue } from '../../shared/use-cases/catalogue/import-catalogue';
import type { ProductPreview } from '../../shared/use-cases/catalogue/sync-listings';
import { type HubTarget, resolveTarget } from './target';

/** A catalogue import's report as lines of text: its problems one per line, then what it did or would do. */
export const describeCatalogueImport = (report: CatalogueImportReport, targetName: string): string[] => {
  const lines = report.problems.map((p) => `line ${p.line}${p.column ? `, ${p.column}` : ''}: ${p.message}`);
  const { variants, added, changed, unchanged, amazonListings } = report.summary;
  lines.push(
    `${variants} variants: ${added} added, ${changed} changed, ${unchanged} unchanged; ${amazonListings} Amazon listings`,
  );
  const count = report.problems.length;
  if (count > 0)
    lines.push(
      `${count} ${count === 1 ? 'problem' : 'problems'}: nothing was written to ${targetName} (an import writes the whole file or nothing)`,
    );
  else if (report.dryRun) lines.push(`dry run: nothing was written to ${targetName}`);
  else if (report.skus.length === 0) lines.push(`nothing to write: ${targetName} already maps the file this way`);
  else lines.push(`wrote ${report.skus.length} variants to the catalogue map of ${targetName}`);
  if (count === 0 && report.retired.length > 0)
    lines.push(
      `${report.retired.length} SellerSKUs no longer mapped to any variant${report.dryRun ? ' would be' : ' are'} taken down on Amazon: ${report.retired
        .slice(0, 10)
        .map((r) => `${r.sellerSku}@${r.marketplaceId} (was ${r.sku})`)
        .join(', ')}${report.retired.length > 10 ? ', ...' : ''}`,
    );
  return lines;
};

/** Registers `hub catalogue` and its `import` subcommand. */
export const registerCatalogueCommands = (program: Command): void => {
  const catalogue = program
    .command('catalogue')
    .description(
      'the catalogue map: SCAYLE variant <-> OrderWise stock code <-> Amazon SellerSKU/ASIN per marketplace',
    );
  catalogue
    .command('import')
    .description('check a catalogue CSV and import it into the catalogue map, all or nothing')
    .argument(
      '<file>',
      'the CSV file: scayle_variant_reference, scayle_variant_id, orderwise_stock_code, marketplace_id, amazon_seller_sku, asin',
    )
    .option('--dry-run', 'only check the file and say what an import would change')
    .option('--no-sync', 'do not queue a listing sync after the import')
    .option('--json', 'print JSON')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(
      async (
        file: string,
        options: {
          dryRun?: boolean;
          noSync?: boolean;
          sync?: boolean;
          json?: boolean;
          local?: boolean;
          stage?: string;
        },
      ) => {
        if (!existsSync(file)) throw new NotFoundError(`no file ${file}`);
        const csvText = readFileSync(file, 'utf8');
        const target = await resolveTarget(options);
        const report = await makeImportCatalogue({
          catalogue: new CatalogueRepository(makeDocumentClient(target.dynamodb), target.output('CatalogueTableName')),
        })(csvText, { dryRun: Boolean(options.dryRun) });
        console.log(
          options.json ? JSON.stringify(report, null, 2) : describeCatalogueImport(report, target.name).join('\n'),
        );
        if (report.problems.length > 0) {
          process.exitCode = 1;
          return;
        }
        // The listings follow the map: first the take-down of listings whose SellerSKU no variant maps any more
        // (even with --no-sync: a listing without a SKU match must not stay live; the daily sync sweeps for any
        // an import cut off here left behind), then a sync of every product (only what changed is sent).
        if (!report.dryRun && report.retired.length > 0) {
          await invokeJobs(target, { job: 'retire', listings: report.retired });
          if (!options.json) console.log(`queued the take-down of ${report.retired.length} retired SellerSKUs`);
        }
        if (!report.dryRun && report.skus.length > 0 && options.sync !== false) {
          const { queued } = (await invokeJobs(target, { job: 'sync-all' })) as { queued: number };
          if (!options.json) console.log(`queued a listing sync of ${queued} SCAYLE products`);
        }
      },
    );

  catalogue
    .command('preview')
    .description(
      'what a listing sync of one SCAYLE product would send to Amazon, checked with VALIDATION_PREVIEW; nothing changes',
    )
    .argument('<product>', 'SCAYLE product reference key (or id), or a SKU the hub has listed before')
    .option('--marketplace <id...>', 'only these MarketplaceIds (default: every marketplace of the mapping)')
    .option('--json', 'print JSON')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(
      async (product: string, options: { marketplace?: string[]; json?: boolean; local?: boolean; stage?: string }) => {
        const target = await resolveTarget(options);
        const { previews } = (await invokeJobs(target, {
          job: 'preview',
          product,
          ...(options.marketplace ? { marketplaceIds: options.marketplace } : {}),
        })) as { previews: ProductPreview[] };
        if (options.json) {
          console.log(JSON.stringify(previews, null, 2));
          return;
        }
        if (previews.length === 0)
          throw new NotFoundError(`SCAYLE has no product ${product}, and no listed SKU is called so`);
        for (const line of describePreviews(previews)) console.log(line);
        if (previews.some((p) => p.problems.length > 0 || p.listings.some((l) => l.status !== 'VALID')))
          process.exitCode = 1;
      },
    );

  catalogue
    .command('sync')
    .description('map SCAYLE products to their Amazon listings now (default: every product)')
    .option('--product <key...>', 'only these SCAYLE product reference keys')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(async (options: { product?: string[]; local?: boolean; stage?: string }) => {
      const target = await resolveTarget(options);
      const { queued } = (await invokeJobs(
        target,
        options.product ? { job: 'sync', products: options.product } : { job: 'sync-all' },
      )) as { queued: number };
      console.log(`queued a listing sync of ${queued} SCAYLE products on ${target.name}`);
    });
};

/** Runs a catalogue job on the target's CatalogueJobs function and returns its answer. */
const invokeJobs = async (target: HubTarget, payload: Record<string, unknown>): Promise<unknown> => {
  const response = await target.lambda.send(
    new InvokeCommand({
      FunctionName: target.output('CatalogueJobsFunctionName'),
      Payload: Buffer.from(JSON.stringify(payload)),
    }),
  );
  const text = Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8');
  if (response.FunctionError) throw new UpstreamError(`the catalogue job failed on ${target.name}: ${text}`);
  return JSON.parse(text);
};

/** A preview as lines of text: per marketplace what blocks, then each listing with Amazon's verdict. */
export const describePreviews = (previews: readonly ProductPreview[]): string[] =>
  previews.flatMap((preview) => [
    `${preview.productKey} in ${preview.marketplaceId}${preview.productType ? ` as ${preview.productType}` : ''}`,
    ...preview.problems.map((p) => `  blocked${p.sku ? ` ${p.sku}` : ''}: ${p.attribute} (${p.rule}): ${p.message}`),
    ...preview.listings.map(
      (l) =>
        `  ${l.status.padEnd(7)} ${l.role.padEnd(6)} ${l.sellerSku}${l.sku ? ` (${l.sku})` : ''}${l.issues
          .map((i) => `\n          ${i.severity} ${i.code}: ${i.message}`)
          .join('')}`,
    ),
    ...(preview.notListed.length > 0 ? [`  not for Amazon here: ${preview.notListed.join(', ')}`] : []),
  ]);
