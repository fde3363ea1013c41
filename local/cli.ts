import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { HubError } from '../shared/runtime/errors';
import { registerCatalogueCommands } from './commands/catalogue';
import { registerDoctorCommand } from './commands/doctor';
import { registerOperationsCommands, registerRedriveCommand } from './commands/operations';
import { registerOrderCommands } from './commands/orders';
import { registerSettlementCommands } from './commands/settlement';
import { registerStockCommands } from './commands/stock';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * The `hub` command line. Each loop adds its commands here (the local hub, demo, stock explain, exceptions,
 * redrive, trace, settlement parse ...), each working against the local hub or a deployed stage. A new program
 * each time: commander keeps parsed options on the command objects.
 */
export const buildProgram = (): Command => {
  const program = new Command()
    .name('hub')
    .description('scayle-hub: keeps SCAYLE, OrderWise and Amazon Seller Central in step')
    .version(version);

  program
    .command('runtime')
    .description('print the Node.js version the hub runs on (the Lambda runtime is nodejs22.x)')
    .action(() => {
      console.log(process.version);
    });

  program
    .command('demo')
    .description(
      'start a local hub, drive a scripted trading day through every loop, print a summary; exit 0 only if the invariants hold',
    )
    .option('--orders <n>', 'orders in the day', '60')
    .option('--seed <n>', 'seed of the day: the same seed replays the same day', '2026')
    .action(async (options: { orders: string; seed: string }) => {
      const { demo } = await import('./demo');
      if (!(await demo({ orders: Number(options.orders), seed: Number(options.seed) }))) process.exitCode = 1;
    });

  registerSettlementCommands(program);
  registerOrderCommands(program);
  registerOperationsCommands(program);
  registerRedriveCommand(program);
  registerStockCommands(program);
  registerCatalogueCommands(program);
  registerDoctorCommand(program);
  return program;
};

/**
 * Runs `hub <args>` (the arguments after `hub`) and returns its exit code: 0, what a command set, or 2 for an
 * error. Expected failures (bad input, nothing running, not found) read as one line; anything else keeps its stack.
 */
export const runCli = async (args: readonly string[]): Promise<number> => {
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync([...args], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    console.error(error instanceof HubError ? `error: ${error.message}` : error);
    return 2;
  } finally {
    process.exitCode = before;
  }
};
