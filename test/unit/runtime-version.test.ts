import { describe, expect, it } from 'vitest';
import { HUB_RUNTIME } from '../../lib/constructs/hub-function';

describe('the test runtime', () => {
  it('is the same Node.js major version as the Lambda runtime', () => {
    const lambdaMajor = HUB_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, '$1');
    expect(process.versions.node.split('.')[0]).toBe(lambdaMajor);
  });
});
