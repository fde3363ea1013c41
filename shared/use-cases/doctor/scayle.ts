import type { ScayleSetupReader } from '../../adapters/scayle/setup';
import { scayleOrderSchema } from '../../schemas/scayle';
import {
  SCAYLE_ORDER_EVENTS,
  SCAYLE_ORDER_ITEM_EVENTS,
  SCAYLE_PRODUCT_EVENTS,
  SCAYLE_VARIANT_EVENTS,
} from '../../schemas/scayle-webhooks';
import type { CheckResult, NamedProbe } from './checks';
import { verdict } from './checks';

/** What the SCAYLE probes need to know of the stage. */
export interface ScayleDoctorInput {
  readonly reader: Pick<ScayleSetupReader, 'shopCountries' | 'webhookSubscriptions' | 'carriers' | 'recentOrders'>;
  readonly secretName: string;
  /** The stage's shops with their countries and, where configured, the shop country ids (`locale.appId`). */
  readonly shops: readonly { key: string; countries: readonly { countryCode: string; id?: number }[] }[];
  /** Where SCAYLE must deliver: the stage's `…/webhooks/scayle`. */
  readonly webhookUrl: string;
  /** Every SCAYLE carrier key the hub may send in a shipment. */
  readonly carrierKeys: readonly string[];
  /** The merchant the stage writes stock for, in a multi-merchant tenant. */
  readonly merchantReferenceKey?: string;
  /** The order sweep's time filter (stage config `scayle.orderSweep.updatedSinceFilter`). */
  readonly sweepFilter: string;
  readonly now: number;
}

/**
 * The events the hub needs a subscription for; SCAYLE spells some two ways, and either spelling will do. The item
 * events take units SCAYLE withdrew off OrderWise's order, the product events keep the Amazon listings.
 */
const NEEDED_EVENTS: readonly (readonly string[])[] = [
  [SCAYLE_ORDER_EVENTS[0]],
  SCAYLE_ORDER_EVENTS.slice(1),
  ...SCAYLE_ORDER_ITEM_EVENTS.filter((e) => e !== 'order-item-cancelled' && e !== 'order-item-canceled').map((e) => [
    e,
  ]),
  ['order-item-canceled', 'order-item-cancelled'],
  ...SCAYLE_VARIANT_EVENTS.map((e) => [e]),
  ...SCAYLE_PRODUCT_EVENTS.map((e) => [e]),
];

/** What only a write or a live order shows of SCAYLE [A in README "SCAYLE: what is verified and what is assumed"]. */
const WRITE_ONLY: readonly { id: string; what: string; how: string }[] = [
  {
    id: 'scayle.external-order-create',
    what: "marketplace orders are created with the Admin API's order create, with channel.key, and a second create of one publicKey is refused (409)",
    how: 'create a test Amazon order in the sandbox marketplace and watch it arrive in SCAYLE with its channel (npx hub trace <AmazonOrderId>)',
  },
  {
    id: 'scayle.item-statuses',
    what: 'an item SCAYLE takes out after confirmation reads unavailable, undeliverable or cancelled',
    how: "cancel an item of a test order in the Panel and compare its status with the hub's (npx hub trace <order id>)",
  },
];

/** A URL without its user info, for comparing where a subscription points. */
const withoutUserInfo = (url: string): string | undefined => {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/$/, '')}`;
  } catch {
    return undefined;
  }
};

const hasUserInfo = (url: string): boolean => {
  try {
    return new URL(url).username !== '';
  } catch {
    return false;
  }
};

/** The SCAYLE probes: token, shops and countries, webhook subscriptions, a recent order, carrier keys. */
export const scayleProbes = (input: ScayleDoctorInput): NamedProbe[] => {
  const { reader } = input;
  const fix = `check the Admin API URL in the stage config and the API key in secret ${input.secretName}`;
  return [
    {
      id: 'scayle.shops',
      system: 'SCAYLE',
      fix,
      run: async () =>
        Promise.all(
          input.shops.map(async (shop) => {
            const countries = await reader.shopCountries(shop.key);
            const id = `scayle.shops.${shop.key}`;
            if (!countries)
              return verdict(
                id,
                'SCAYLE',
                false,
                '',
                `SCAYLE has no shop '${shop.key}'`,
                'set scayle.shops[].key to a shop key of the tenant',
              );
            const problems = shop.countries.flatMap((c) => {
              const found = countries.find((sc) => sc.countryCode.toUpperCase() === c.countryCode.toUpperCase());
              if (!found) return [`no country ${c.countryCode}`];
              if (c.id !== undefined && found.id !== c.id)
                return [`${c.countryCode} has shop country id ${found.id}, the stage says ${c.id}`];
              return [];
            });
            return verdict(
              id,
              'SCAYLE',
              problems.length === 0,
              `the token works; shop '${shop.key}' has ${shop.countries.map((c) => c.countryCode).join(', ')} with the ids the stage names`,
              `shop '${shop.key}': ${problems.join('; ')}`,
              'set scayle.shops[].countries to the shop countries of GET /shops/{key}/countries (ids are what webhooks carry as locale.appId)',
            );
          }),
        ),
    },
    {
      id: 'scayle.webhook-subscriptions',
      system: 'SCAYLE',
      fix,
      run: async () => {
        const subscriptions = await reader.webhookSubscriptions();
        const target = withoutUserInfo(input.webhookUrl);
        const ours = subscriptions.filter((s) => withoutUserInfo(s.url) === target);
        const missing = NEEDED_EVENTS.filter((names) => !ours.some((s) => names.includes(s.event)));
        const elsewhere = missing.flatMap((names) =>
          subscriptions.filter((s) => names.includes(s.event)).map((s) => `${s.event} -> ${withoutUserInfo(s.url)}`),
        );
        const noCredentials = ours.filter((s) => !hasUserInfo(s.url)).map((s) => s.event);
        // A merchant filter that leaves out the stage's merchant silences the event for its orders and products.
        const merchant = input.merchantReferenceKey;
        const filteredOut = merchant
          ? ours
              .filter((s) =>
                (s.filters ?? []).some(({ merchantReferenceKeys: keys }) =>
                  keys?.include ? !keys.include.includes(merchant) : (keys?.exclude?.includes(merchant) ?? false),
                ),
              )
              .map((s) => s.event)
          : [];
        const problems = [
          ...(missing.length
            ? [`no subscription to ${target} for ${missing.map((n) => n.join(' or ')).join(', ')}`]
            : []),
          ...(elsewhere.length ? [`subscribed elsewhere: ${elsewhere.join(', ')}`] : []),
          ...(noCredentials.length ? [`without Basic credentials in the URL: ${noCredentials.join(', ')}`] : []),
          ...(filteredOut.length ? [`filtered to other merchants than ${merchant}: ${filteredOut.join(', ')}`] : []),
        ];
        return verdict(
          'scayle.webhook-subscriptions',
          'SCAYLE',
          problems.length === 0,
          `every event the hub needs (${NEEDED_EVENTS.length}) is subscribed to ${target} with credentials`,
          problems.join('; '),
          `create each missing subscription (POST /webhooks/subscriptions {event, url: "https://<user>:<password>@${target?.replace(/^https?:\/\//, '')}"}) with the credentials of the stage's scayleWebhook secret`,
        );
      },
    },
    {
      id: 'scayle.recent-order',
      system: 'SCAYLE',
      fix,
      run: async (): Promise<CheckResult[]> => {
        const [shop] = input.shops;
        const country = shop?.countries[0]?.countryCode;
        const cannot = (detail: string, hint?: string): CheckResult[] =>
          ['scayle.recent-order', 'scayle.public-key-filter', 'scayle.order-sweep-filter'].map((id) => ({
            id,
            system: 'SCAYLE',
            status: 'cannot-check',
            detail,
            ...(hint ? { fix: hint } : {}),
          }));
        if (!shop || !country) return cannot('the stage names no shop');
        const [order] = await reader.recentOrders(shop.key, country, 1);
        if (order === undefined)
          return cannot(
            `shop '${shop.key}' ${country} has no order yet`,
            'place a test order in the shop, then run the doctor again',
          );
        const parsed = scayleOrderSchema.safeParse(order);
        if (!parsed.success) {
          const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
          return [
            verdict(
              'scayle.recent-order',
              'SCAYLE',
              false,
              '',
              `the first order SCAYLE lists for shop '${shop.key}' ${country} does not parse: ${where}`,
              "report the order's JSON to the hub's developers: SCAYLE's order shape differs from the SDK's",
            ),
          ];
        }
        const { publicKey } = parsed.data;
        const filtered = publicKey
          ? await reader.recentOrders(shop.key, country, 5, { 'filters[publicKey]': publicKey })
          : [];
        // The sweep's time filter, asked for orders updated a year from now: a tenant honouring it answers none.
        const future = new Date(input.now + 365 * 86_400_000).toISOString();
        const notYetUpdated = await reader.recentOrders(shop.key, country, 1, { [input.sweepFilter]: future });
        const keys = filtered.map((o) => (o as { publicKey?: unknown }).publicKey);
        return [
          {
            id: 'scayle.recent-order',
            system: 'SCAYLE',
            status: 'pass',
            detail: `the first order SCAYLE lists for shop '${shop.key}' ${country} parses as the hub reads orders`,
          },
          publicKey
            ? verdict(
                'scayle.public-key-filter',
                'SCAYLE',
                keys.length > 0 && keys.every((key) => key === publicKey),
                `filters[publicKey] finds order ${parsed.data.id} by its public key alone: the look-up before an Amazon order's create can trust it`,
                `filters[publicKey]=${publicKey} answers ${keys.length} orders (${[...new Set(keys)].slice(0, 3).join(', ')}): SCAYLE does not filter by public key as assumed`,
                "tell the hub's developers: the Amazon order loop's look-up before a create (findOrderByPublicKey) then sees only the first page and may create an order twice",
              )
            : {
                id: 'scayle.public-key-filter',
                system: 'SCAYLE',
                status: 'cannot-check',
                detail: 'that order has no public key',
              },
          verdict(
            'scayle.order-sweep-filter',
            'SCAYLE',
            notYetUpdated.length === 0,
            `${input.sweepFilter} narrows the order list by time: the sweep for lost webhooks reads only its window`,
            `${input.sweepFilter}=${future} still answers orders: SCAYLE ignores the sweep's time filter, so each sweep would read every order`,
            "set stage config scayle.orderSweep.updatedSinceFilter to the order list's 'updated at or after' parameter (ask SCAYLE for the tenant's admin-api-latest.json)",
          ),
        ];
      },
    },
    {
      id: 'scayle.assumptions',
      system: 'SCAYLE',
      fix: '',
      run: async () =>
        WRITE_ONLY.map(
          (a): CheckResult => ({
            id: a.id,
            system: 'SCAYLE',
            status: 'cannot-check',
            detail: `not checkable read-only: ${a.what}`,
            fix: a.how,
          }),
        ),
    },
    {
      id: 'scayle.carriers',
      system: 'SCAYLE',
      fix,
      run: async () => {
        const keys = new Set((await reader.carriers()).map((c) => c.key));
        const unknown = [...new Set(input.carrierKeys)].filter((key) => !keys.has(key));
        return verdict(
          'scayle.carriers',
          'SCAYLE',
          unknown.length === 0,
          `every carrier key the hub sends (${new Set(input.carrierKeys).size}) exists in SCAYLE`,
          `carrier keys the hub sends that SCAYLE does not have: ${unknown.join(', ')}`,
          'create the carriers in SCAYLE (POST /carriers) or map the OrderWise courier names to existing keys in stage config carriers',
        );
      },
    },
  ];
};
