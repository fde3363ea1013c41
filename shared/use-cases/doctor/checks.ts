import { HubError } from '../../runtime/errors';

/** What one probe found: it holds, it does not, or a read-only probe cannot tell. */
export type CheckStatus = 'pass' | 'fail' | 'cannot-check';

/** One line of `hub doctor`: an assumption about a peer and what a probe found. */
export interface CheckResult {
  /** Stable id, e.g. `scayle.webhook-subscriptions`. */
  readonly id: string;
  readonly system: 'SCAYLE' | 'OrderWise' | 'Amazon';
  readonly status: CheckStatus;
  /** What was found, in a sentence. */
  readonly detail: string;
  /** What to do when it fails or cannot be checked. */
  readonly fix?: string;
}

/** A probe: resolves its results, or throws (then the check fails with the error's message). */
export type Probe = () => Promise<CheckResult | readonly CheckResult[]>;

/** A probe declared with its id, so a throw still names the check. */
export interface NamedProbe {
  readonly id: string;
  readonly system: CheckResult['system'];
  readonly run: Probe;
  /** What to do when the probe throws (the peer refused or could not be reached). */
  readonly fix: string;
}

/** Runs probes one after another (each peer sees one call at a time) and gathers every line, thrown or not. */
export const runProbes = async (probes: readonly NamedProbe[]): Promise<CheckResult[]> => {
  const results: CheckResult[] = [];
  for (const probe of probes) {
    try {
      const found = await probe.run();
      results.push(...(Array.isArray(found) ? found : [found as CheckResult]));
    } catch (error) {
      results.push({
        id: probe.id,
        system: probe.system,
        status: 'fail',
        detail: error instanceof HubError || error instanceof Error ? error.message : String(error),
        fix: probe.fix,
      });
    }
  }
  return results;
};

/** A check result built from a condition: pass with `detail`, or fail with `failure` and the fix. */
export const verdict = (
  id: string,
  system: CheckResult['system'],
  ok: boolean,
  detail: string,
  failure: string,
  fix: string,
): CheckResult => (ok ? { id, system, status: 'pass', detail } : { id, system, status: 'fail', detail: failure, fix });
