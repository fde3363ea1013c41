import { type IAspect, RemovalPolicy } from 'aws-cdk-lib';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/**
 * On a stage that keeps its data, every queue and log group of the stack it is applied to outlives the stack: the
 * queues (and their dead letters) live beside their consumers in the stateless stack, so a stack deleted, or a
 * queue replaced by a change, must not take the letters with it; nor the logs that explain them.
 */
export class RetainQueuesAndLogs implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof CfnQueue || node instanceof CfnLogGroup) node.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
