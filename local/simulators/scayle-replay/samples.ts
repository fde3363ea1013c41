import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isJsonObject } from './body-check.ts';

/** One vendor sample: its bytes as stored (what the peer sends) and its JSON (what the peer checks against). */
export interface Sample {
  /** The file name without `.json`. */
  readonly name: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly json: Record<string, unknown>;
}

const ADMIN_SAMPLES = [
  'CancellationSendRequest',
  'OrderCreateRequest',
  'OrderGetResponse',
  'OrderGetStatusResponse',
  'OrderUpdateReferenceKeyRequest',
  'ProductGetResponse',
  'ProductVariantPriceAllResponse',
  'ProductVariantStockAllResponse',
  'ProductVariantStockCreateRequest',
  'ShipmentCreateRequest',
] as const;

/** File name, without `.json`, of an Admin API sample in `<fixtures>/admin-api/`. */
export type AdminSampleName = (typeof ADMIN_SAMPLES)[number];

/** Every sample the peer replays: the Admin API ones by name, the webhook bodies by file name without `.json`. */
export interface ReplaySamples {
  readonly admin: Readonly<Record<AdminSampleName, Sample>>;
  readonly webhooks: ReadonlyMap<string, Uint8Array<ArrayBuffer>>;
}

/** A file's bytes in the form a response body and fetch take without another copy. */
const readBytes = async (path: string) => new Uint8Array(await readFile(path));

const readSample = async (path: string): Promise<Sample> => {
  const bytes = await readBytes(path);
  const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!isJsonObject(json)) throw new Error(`${path} is not a JSON object`);
  return { name: basename(path, '.json'), bytes, json };
};

/**
 * Reads every sample once, at start, so a missing or broken file stops the peer before it says it is ready.
 * The webhook names come from the folder listing, so a name asked for later can only ever pick one of its files.
 */
export const loadSamples = async (fixturesDir: string): Promise<ReplaySamples> => {
  const admin = Object.fromEntries(
    await Promise.all(
      ADMIN_SAMPLES.map(async (name) => [name, await readSample(join(fixturesDir, 'admin-api', `${name}.json`))]),
    ),
  ) as Record<AdminSampleName, Sample>;
  const webhookDir = join(fixturesDir, 'webhooks');
  const files = (await readdir(webhookDir)).filter((file) => file.endsWith('.json'));
  const webhooks = new Map(
    await Promise.all(
      files.map(async (file) => [file.slice(0, -'.json'.length), await readBytes(join(webhookDir, file))] as const),
    ),
  );
  return { admin, webhooks };
};
