import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { LISTING_MAPPINGS } from '../../lib/config/listing-mappings';
import { listingMappingSchema } from '../domain/listing-mapping';
import { systemClock } from '../runtime/clock';
import { ConfigError } from '../runtime/errors';
import { makeSyncListings } from '../use-cases/catalogue/sync-listings';
import { CatalogueRepository } from './aws/catalogue-repository';
import { ExceptionsRepository } from './aws/exceptions-repository';
import { StockRepository } from './aws/stock-repository';
import { amazonEnv, amazonFrom, documentClient, scayleEnv, scayleFrom } from './wiring';

/** Environment of the catalogue loop's functions (loop 8). */
export const catalogueEnv = z
  .object({
    CATALOGUE_TABLE: z.string().min(1),
    STOCK_TABLE: z.string().min(1),
    EXCEPTIONS_TABLE: z.string().min(1),
    LISTINGS_QUEUE_URL: z.url(),
    AMAZON_SELLER_ID: z.string().min(1),
    /** Stage config `catalogue.mapping`: the name of a mapping in lib/config/listing-mappings.ts. */
    LISTING_MAPPING: z.string().min(1),
  })
  .extend(amazonEnv.shape)
  .extend(scayleEnv.shape);

/** The catalogue loop of a function, built from its environment. @throws ConfigError for an unknown mapping. */
export const syncListingsFrom = (env: z.output<typeof catalogueEnv>) => {
  const mapping = LISTING_MAPPINGS[env.LISTING_MAPPING];
  if (!mapping) throw new ConfigError(`LISTING_MAPPING names no mapping: ${env.LISTING_MAPPING}`);
  return makeSyncListings({
    scayle: scayleFrom(env),
    catalogue: new CatalogueRepository(documentClient, env.CATALOGUE_TABLE),
    amazon: amazonFrom(env),
    stock: new StockRepository(documentClient, env.STOCK_TABLE),
    exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
    mapping: listingMappingSchema.parse(mapping),
    sellerId: env.AMAZON_SELLER_ID,
    clock: systemClock,
  });
};

/** One SQS client per container. */
export const sqsClient = new SQSClient({});
