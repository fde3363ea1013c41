/**
 * The tenant's carriers, `GET /carriers` and `GET /carriers/{carrierIdentifier}` [V SDK `lib/Services/CarrierService.php`
 * (the identifier is an `Identifier`: id or `key=<key>`), `lib/Models/Carrier.php`; fixtures CarrierAllResponse.json,
 * CarrierGetResponse.json]. Read-only here: carriers are set up in SCAYLE before a shipment names them (the
 * simulator's `carriers` option; default {@link DEFAULT_CARRIERS}); the SDK's `POST /carriers` and `PUT
 * /carriers/{id}` are not simulated.
 */
import { type ApiContext, notFound, pageOf, param, parseIdentifier } from './api';
import { type Carrier, carrierTrackingUrlOf, DEFAULT_CARRIERS } from './facts';

/** A carrier the simulator is given: its key, and optionally its name and tracking URL. */
export interface CarrierOption {
  readonly key: string;
  readonly name?: string;
  readonly trackingUrl?: string;
}

/**
 * The tenant's carriers. [A] Given carriers get ids from 1 in the order given, the key as name when none is given and
 * a made-up tracking URL ({@link carrierTrackingUrlOf}). A key given twice throws: a carrier key names one carrier
 * ("a one-to-one relationship between Carrier Type and carrierKey must be maintained" [V scayle.dev
 * checkout-guide/configure/carrier-and-shipping/carrier/configuration]).
 */
export class CarrierDirectory {
  readonly #carriers: readonly Carrier[];

  constructor(options?: readonly CarrierOption[]) {
    this.#carriers =
      options?.map(({ key, name, trackingUrl }, i) => ({
        id: i + 1,
        key,
        name: name ?? key,
        trackingUrl: trackingUrl ?? carrierTrackingUrlOf(key),
      })) ?? DEFAULT_CARRIERS;
    const twice = this.#carriers.find((carrier, i) => this.#carriers.findIndex((c) => c.key === carrier.key) !== i);
    if (twice) throw new Error(`the SCAYLE simulator was given carrier ${twice.key} twice`);
  }

  /** Every carrier, by id. */
  all(): readonly Carrier[] {
    return this.#carriers;
  }

  /** The routes that read carriers. */
  register({ app, base, authed }: ApiContext): void {
    app.get(
      `${base}/carriers`,
      authed('listCarriers', (c) => pageOf(c, this.#carriers)),
    );
    app.get(
      `${base}/carriers/:identifier`,
      authed('getCarrier', (c) => {
        const identifier = parseIdentifier(param(c, 'identifier'));
        const carrier =
          identifier &&
          this.#carriers.find((carrier) =>
            'key' in identifier ? carrier.key === identifier.key : 'id' in identifier && carrier.id === identifier.id,
          );
        return carrier ? c.json(carrier) : notFound(c, 'Carrier not found');
      }),
    );
  }
}
