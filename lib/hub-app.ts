import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StageConfig } from './config/stage-config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

/** The two stacks of one stage. */
export interface HubStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Adds one stage of scayle-hub to `app`: the stateful stack, the stateless stack that uses it, and cdk-nag's
 * AwsSolutions checks, which make `cdk synth` fail on any unacknowledged finding.
 */
export const addHubStage = (app: App, config: StageConfig): HubStacks => {
  const env = config.env ? { account: config.env.account, region: config.env.region } : undefined;
  const stateful = new StatefulStack(app, `ScayleHub-${config.stage}-Stateful`, {
    config,
    env,
    description: `scayle-hub ${config.stage}: tables, bucket, event bus and alarm topic`,
    terminationProtection: config.retainData,
  });
  const stateless = new StatelessStack(app, `ScayleHub-${config.stage}-Stateless`, {
    config,
    env,
    stateful,
    description: `scayle-hub ${config.stage}: functions, queues, schedules, workflows and API`,
  });
  Tags.of(app).add('application', 'scayle-hub');
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
};
