/** Where and as whom a webhook sample is delivered: the subscription's URL and its HTTP Basic credentials. */
export interface WebhookTarget {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/** Long enough for a local hub's receiver; a hung receiver must not hang the test that asked for the delivery. */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Posts a webhook body exactly as its file holds it, the way SCAYLE calls a subscription whose URL carries
 * credentials: HTTP Basic, JSON, no signature (reference/scayle.md §1.7). Resolves to the receiver's status.
 */
export const deliverWebhook = async (
  bytes: Uint8Array<ArrayBuffer>,
  { url, username, password }: WebhookTarget,
): Promise<number> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    },
    body: bytes,
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
  });
  // SCAYLE's delivery log keeps the status only; the body is drained so the connection can close.
  await response.arrayBuffer();
  return response.status;
};
