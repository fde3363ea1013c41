import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import cdkJson from '../../cdk.json' with { type: 'json' };
import type { StageConfig } from '../../lib/config/stage-config';
import { resolveStage } from '../../lib/config/stages';
import { addHubStage } from '../../lib/hub-app';

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

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Everything a synthesized template depends on: the CDK code, the stage config, the lockfile. */
const templateInputs = (): string[] => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  for (const dir of ['lib', 'bin']) walk(path.join(projectRoot, dir));
  files.push(
    path.join(projectRoot, 'shared/adapters/aws/table-schemas.ts'),
    path.join(projectRoot, 'cdk.json'),
    path.join(projectRoot, 'package-lock.json'),
  );
  return files.sort();
};

/**
 * `synthesizeHub` with a cache in `.hub/cache`: the first synth in a process costs seconds (aws-cdk-lib loads
 * lazily), so templates are reused while the CDK code, the stage overrides and the lockfile are unchanged.
 */
export const synthesizeHubCached = (overrides: unknown, stageName = 'dev'): SynthesizedHub => {
  const hash = createHash('sha256').update(JSON.stringify({ overrides, stageName }));
  for (const file of templateInputs()) hash.update(file).update(readFileSync(file));
  const cacheFile = path.join(projectRoot, '.hub', 'cache', `templates-${hash.digest('hex').slice(0, 24)}.json`);
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
