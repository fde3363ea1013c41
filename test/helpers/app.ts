import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { resolveStage } from '../../lib/config/stages';
import { addHubStage, type HubStacks } from '../../lib/hub-app';

/**
 * A CDK app for tests: bundling is skipped (no esbuild run per function) and the context matches cdk.json's
 * feature flags. Everything else, cdk-nag included, is as in `cdk synth`.
 */
export const testApp = (): App => new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });

/** The dev stage as `cdk synth` builds it, with its templates. */
export const synthDevStage = (overrides?: unknown) => {
  const app = testApp();
  const stacks: HubStacks = addHubStage(app, resolveStage('dev', overrides));
  const assembly = app.synth();
  return {
    app,
    stacks,
    assembly,
    stateful: Template.fromStack(stacks.stateful),
    stateless: Template.fromStack(stacks.stateless),
  };
};
