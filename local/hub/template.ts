import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import cdkJson from '../../cdk.json' with { type: 'json' };
import type { StageConfig } from '../../lib/config/stage-config';
import { resolveStage } from '../../lib/config/stages';
import { addHubStage } from '../../lib/hub-app';
import { PROJECT_ROOT, sourceCacheKey } from './cache-key';

/** A CloudFormation resource as the local hub reads it. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

/** A synthesized CloudFormation template. */
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
}

/** The synthesized stage: its configuration and the templates of both stacks, stateful first. */
export interface SynthesizedHub {
  readonly config: StageConfig;
  readonly stacks: readonly { readonly name: string; readonly template: CfnTemplate }[];
}

/**
 * `synthesizeHub` with a cache in `.hub/cache`: the first synth in a process costs seconds (aws-cdk-lib loads
 * lazily), so templates are reused while the CDK code, the stage overrides and the lockfile are unchanged.
 */
export const synthesizeHubCached = (overrides: unknown, stageName = 'dev'): SynthesizedHub => {
  // Everything a template depends on: the CDK code, the stage config and the shared code it reads, the lockfile.
  const key = sourceCacheKey({ overrides, stageName }, ['lib', 'bin', 'shared'], ['cdk.json', 'package-lock.json']);
  const cacheFile = path.join(PROJECT_ROOT, '.hub', 'cache', `templates-${key}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as SynthesizedHub;
  const synthesized = synthesizeHub(overrides, stageName);
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(synthesized));
  return synthesized;
};

/**
 * Synthesizes the same CDK app `cdk synth` does (cdk.json's feature flags, cdk-nag included) for the `dev`
 * stage with `overrides` applied, skipping asset bundling: the local hub bundles each function itself. The
 * hub is then built from these templates only, so a wiring mistake in lib/ shows up locally.
 */
export const synthesizeHub = (overrides: unknown, stageName = 'dev'): SynthesizedHub => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'hub-synth-'));
  try {
    const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    const config = resolveStage(stageName, overrides);
    const { stateful, stateless } = addHubStage(app, config);
    const assembly = app.synth();
    return {
      config,
      stacks: [stateful, stateless].map((stack) => ({
        name: stack.stackName,
        template: assembly.getStackByName(stack.stackName).template as CfnTemplate,
      })),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};
