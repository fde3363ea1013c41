import type { CfnRule, IRuleTarget } from 'aws-cdk-lib/aws-events';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config';
import { SCHEDULE_METADATA_KEY } from './metadata';

/** The name of one of the stage's schedules (`schedules.<name>` in the stage config). */
export type ScheduleName = keyof StageConfig['schedules'];

/** Properties of a hub schedule. */
export interface HubScheduleProps {
  readonly description: string;
  readonly targets: IRuleTarget[];
}

/**
 * An EventBridge rule running on the stage's `schedules.<name>`, tagged in the template with that name: the local
 * hub reads the tag to run only the schedules a test asks for, at the pace it asks, without synthesizing again.
 */
export class HubSchedule extends Rule {
  constructor(scope: Construct, id: string, config: StageConfig, name: ScheduleName, props: HubScheduleProps) {
    super(scope, id, { ...props, schedule: Schedule.expression(config.schedules[name]) });
    (this.node.defaultChild as CfnRule).addMetadata(SCHEDULE_METADATA_KEY, name);
  }
}
