/**
 * The documents behind the Feeds and Reports APIs: what Amazon keeps in S3 and hands out as pre-signed URLs. The
 * simulator serves those URLs itself (`PUT /_sim/uploads/{id}`, `GET /_sim/documents/{id}`), with the same
 * five-minute expiry, and never sets Content-Encoding on a gzipped body: a client must gunzip it because
 * getReportDocument said `compressionAlgorithm: GZIP`, exactly as with Amazon.
 */
import { DOCUMENT_URL_TTL_MS } from './facts';

/** One stored document; feed input documents have no content until uploaded. */
export interface StoredDocument {
  readonly id: string;
  content?: Buffer;
  contentType: string;
  readonly compression?: 'GZIP';
}

/** Documents by id. */
export class DocumentStore {
  #documents = new Map<string, StoredDocument>();

  /** Forgets every document. */
  clear(): void {
    this.#documents = new Map();
  }

  /** Stores (or replaces) a document. */
  put(document: StoredDocument): void {
    this.#documents.set(document.id, document);
  }

  /** The document, or undefined. */
  get(id: string): StoredDocument | undefined {
    return this.#documents.get(id);
  }
}

/** A pre-signed URL of the simulator: `kind` is `uploads` or `documents`. */
export const presignedUrl = (origin: string, kind: 'uploads' | 'documents', id: string): string =>
  `${origin}/_sim/${kind}/${encodeURIComponent(id)}?expires=${Date.now() + DOCUMENT_URL_TTL_MS}`;

/** Whether a pre-signed URL's `expires` query value still holds. */
export const isUnexpired = (expires: string | undefined): boolean => Number(expires) >= Date.now();

/** S3's answer to an expired or unknown pre-signed URL. */
export const s3Error = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** Java charset names Amazon may put in a Content-Type, mapped to the WHATWG labels TextDecoder knows [A]. */
const CHARSET_ALIASES: Readonly<Record<string, string>> = {
  cp1252: 'windows-1252',
  cp1250: 'windows-1250',
  iso8859_1: 'iso-8859-1',
  latin1: 'iso-8859-1',
  utf8: 'utf-8',
  'utf-16': 'utf-16le',
};

/**
 * `text` in `charset`, the way a report is stored for download: UTF-8, UTF-16LE and ISO-8859-1 directly, any
 * other single-byte charset TextDecoder knows (windows-1252 ...) through a table built by decoding each byte.
 * Throws when the charset is unknown or cannot represent the text.
 */
export const encodeText = (text: string, charset: string): Buffer => {
  const label = CHARSET_ALIASES[charset.toLowerCase()] ?? charset.toLowerCase();
  if (label === 'utf-8') return Buffer.from(text, 'utf8');
  if (label === 'utf-16le') return Buffer.from(text, 'utf16le');
  if (label === 'iso-8859-1') {
    if ([...text].some((ch) => (ch.codePointAt(0) ?? 0) > 0xff)) {
      throw new RangeError(`the content cannot be written in ${charset}`);
    }
    return Buffer.from(text, 'latin1');
  }
  const decoder = (() => {
    try {
      return new TextDecoder(label);
    } catch {
      throw new RangeError(`unsupported charset ${charset}`);
    }
  })();
  const byteOf = new Map<string, number>();
  for (let byte = 255; byte >= 0; byte--) byteOf.set(decoder.decode(Uint8Array.of(byte)), byte);
  const bytes = [...text].map((ch) => {
    const byte = byteOf.get(ch);
    if (byte === undefined || ch === '\uFFFD') throw new RangeError(`the content cannot be written in ${charset}`);
    return byte;
  });
  return Buffer.from(bytes);
};
