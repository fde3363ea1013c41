import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../runtime/errors';
import { headerOf } from '../webhook-intake';

/**
 * Below Lambda's 6 MB request payload, whatever API Gateway takes (10 MB): a larger body never reaches the handler,
 * so it would be neither kept nor answered with a reason. A stock row is about 300 bytes url-encoded: an HTTP export
 * of at most 10,000 rows per file (README, loop 3) stays well inside.
 */
export const MAX_EXPORT_BYTES = 5 * 1024 * 1024;

/**
 * The `ExportData` form field of an OrderWise HTTP export (reference orderwise.md §2.1): the XML, url-encoded.
 * @throws UnsupportedMediaTypeError (415), PayloadTooLargeError (413) or ValidationError (400) naming what is wrong.
 */
export const exportDataOf = (event: APIGatewayProxyEvent, raw: string): string => {
  const contentType = headerOf(event, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(
      `content-type must be application/x-www-form-urlencoded, got '${contentType || 'none'}'`,
    );
  }
  if (Buffer.byteLength(raw) > MAX_EXPORT_BYTES)
    throw new PayloadTooLargeError(`body is larger than ${MAX_EXPORT_BYTES} bytes`);
  const xml = new URLSearchParams(raw).get('ExportData');
  if (!xml)
    throw new ValidationError('form field ExportData is missing', [{ field: 'ExportData', message: 'required' }]);
  return xml;
};
