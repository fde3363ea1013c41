import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Processes whose command line mentions `text` (e.g. `-port 8123`), as `ps` lists them. */
export const processesWith = async (text: string): Promise<string[]> => {
  const { stdout } = await run('ps', ['-eo', 'pid,args']);
  return stdout.split('\n').filter((line) => line.includes(text) && !line.includes('ps -eo'));
};
