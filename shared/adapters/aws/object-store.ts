import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Where the hub keeps files: rejected payloads, reports, settlement files and journals. */
export interface ObjectStore {
  put(key: string, body: string | Uint8Array, contentType: string, metadata?: Record<string, string>): Promise<void>;
  getText(key: string): Promise<string>;
}

/** The data bucket as an `ObjectStore`. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(
    key: string,
    body: string | Uint8Array,
    contentType: string,
    metadata?: Record<string, string>,
  ): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata }),
    );
  }

  async getText(key: string): Promise<string> {
    const result = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return (await result.Body?.transformToString('utf-8')) ?? '';
  }
}
