import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { InvokeResult } from './functions';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './intrinsics';

/** One execution, as DescribeExecution reports it. */
export interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
  readonly startDate: number;
  stopDate?: number;
}

type State = {
  Type: string;
  Resource?: string;
  Seconds?: number;
  Retry?: { IntervalSeconds?: number }[];
  Iterator?: { States: Record<string, State> };
  ItemProcessor?: { States: Record<string, State> };
  Branches?: { States: Record<string, State> }[];
};

const statesOf = (states: Record<string, State>): [string, State][] =>
  Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...statesOf(state.Iterator?.States ?? state.ItemProcessor?.States ?? {}),
    ...(state.Branches ?? []).flatMap((branch) => statesOf(branch.States)),
  ]);

/** Lambda's error as Step Functions sees it: its name is what `ErrorEquals` matches. */
const lambdaError = (error: { name: string; message: string }) =>
  Object.assign(new Error(error.message), { name: error.name });

/**
 * The state machines of the template, run by aws-local-stepfunctions. Lambda tasks (direct ARNs and the
 * optimised `arn:aws:states:::lambda:invoke`) run the local functions; Wait states and Retry intervals are
 * divided by the time compression. Executions are named and unique per state machine, as on AWS, so a second
 * StartExecution with the same name is refused.
 */
export class LocalStepFunctions {
  readonly #machines = new Map<string, { machine: StateMachine; definition: { States: Record<string, State> } }>();
  readonly executions = new Map<string, Execution>();

  constructor(
    private readonly invoke: (functionArnOrName: string, payload: unknown) => Promise<InvokeResult | undefined>,
    private readonly compression: number,
  ) {}

  /** Adds a state machine under its ARN. */
  add(arn: string, definition: { StartAt: string; States: Record<string, State> }): void {
    this.#machines.set(arn, {
      machine: new StateMachine(definition as never, {
        validationOptions: { checkPaths: false, checkArn: false } as never,
      }),
      definition,
    });
  }

  /** StartExecution. @throws an error named ExecutionAlreadyExists / StateMachineDoesNotExist as the API does. */
  start(stateMachineArn: string, input: string, name: string = randomUUID()): Execution {
    const entry = this.#machines.get(stateMachineArn);
    if (!entry)
      throw Object.assign(new Error(`State Machine Does Not Exist: '${stateMachineArn}'`), {
        name: 'StateMachineDoesNotExist',
      });
    const machineName = stateMachineArn.split(':').pop();
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machineName}:${name}`;
    if (this.executions.has(executionArn)) {
      throw Object.assign(new Error(`Execution Already Exists: '${executionArn}'`), { name: 'ExecutionAlreadyExists' });
    }
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      input,
      startDate: Date.now(),
    };
    this.executions.set(executionArn, execution);

    const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const waitTimeOverrides: Record<string, number> = {};
    const retryIntervalOverrides: Record<string, number[]> = {};
    for (const [stateName, state] of statesOf(entry.definition.States)) {
      if (state.Type === 'Task' && state.Resource) {
        const optimised = state.Resource.startsWith('arn:aws:states:::lambda:invoke');
        taskResourceLocalHandlers[stateName] = async (taskInput) => {
          const target = optimised
            ? String((taskInput as { FunctionName: string }).FunctionName)
            : String(state.Resource);
          const payload = optimised ? (taskInput as { Payload?: unknown }).Payload : taskInput;
          const outcome = await this.invoke(target, payload);
          if (!outcome)
            throw lambdaError({ name: 'Lambda.ResourceNotFoundException', message: `no function ${target}` });
          if (!outcome.ok) throw lambdaError(outcome.error);
          return optimised ? { Payload: outcome.result, StatusCode: 200, ExecutedVersion: '$LATEST' } : outcome.result;
        };
      }
      if (state.Type === 'Wait' && typeof state.Seconds === 'number')
        waitTimeOverrides[stateName] = (state.Seconds * 1000) / this.compression;
      if (state.Retry)
        retryIntervalOverrides[stateName] = state.Retry.map(
          (r) => ((r.IntervalSeconds ?? 1) * 1000) / this.compression,
        );
    }
    const run = entry.machine.run(JSON.parse(input || '{}'), {
      overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides } as never,
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          Input: JSON.parse(input || '{}'),
          StartTime: new Date().toISOString(),
        },
      } as never,
    });
    run.result.then(
      (output) => {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
        execution.stopDate = Date.now();
      },
      (error: Error & { cause?: unknown }) => {
        execution.status = 'FAILED';
        execution.error = error.name;
        execution.cause = error.message;
        execution.stopDate = Date.now();
      },
    );
    return execution;
  }
}
