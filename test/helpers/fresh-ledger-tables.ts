import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/engines/dynamodb-local';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { CursorStore } from '../../shared/adapters/aws/cursor-store';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { CATALOGUE_TABLE, EXCEPTIONS_TABLE, LEDGER_TABLE } from '../../shared/adapters/aws/table-schemas';
import { createTable, localDynamoClient } from './dynamodb';

/** The repositories of one test, over tables no other test has written to. */
export interface FreshLedgerTables {
  readonly ledger: LedgerRepository;
  readonly exceptions: ExceptionsRepository;
  readonly catalogue: CatalogueRepository;
  /** Cursors in the ledger table, as the scheduled pulls keep them. */
  readonly cursors: CursorStore;
}

/**
 * Starts DynamoDB Local once for the file, and gives every test its own empty ledger, exceptions and catalogue
 * tables (suffixed `-1`, `-2`, …), so no test can lean on an order, listing, exception or cursor an earlier test
 * left behind: each passes alone (`-t`) and in any order (`--sequence.shuffle`).
 * Returns an accessor for the current test's repositories, which exist only once its `beforeEach` ran.
 */
export const useFreshLedgerTables = (): (() => FreshLedgerTables) => {
  let dynamo: DynamoDbLocal | undefined;
  let generation = 0;
  let current: FreshLedgerTables | undefined;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
  }, 60_000);
  beforeEach(async () => {
    if (!dynamo) throw new Error('DynamoDB Local is not running');
    generation += 1;
    const client = localDynamoClient(dynamo.endpoint);
    const ledger = `ledger-${generation}`;
    const exceptions = `exceptions-${generation}`;
    const catalogue = `catalogue-${generation}`;
    await createTable(client, ledger, LEDGER_TABLE);
    await createTable(client, exceptions, EXCEPTIONS_TABLE);
    await createTable(client, catalogue, CATALOGUE_TABLE);
    const db = makeDocumentClient(client);
    current = {
      ledger: new LedgerRepository(db, ledger),
      exceptions: new ExceptionsRepository(db, exceptions),
      catalogue: new CatalogueRepository(db, catalogue),
      cursors: new CursorStore(db, ledger, LEDGER_TABLE.partitionKey),
    };
  });
  afterAll(async () => {
    await dynamo?.stop();
  });
  return () => {
    if (!current) throw new Error('the tables of this test are not created yet');
    return current;
  };
};
