import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { registerSettlementCommands, SETTLEMENT_EXIT_CODES } from '../../../local/commands/settlement';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/settlement/${name}`, import.meta.url));
const DE = fixture('amazon-de-2024-10-11.v2.txt');

const scratch = mkdtempSync(path.join(tmpdir(), 'settlement-command-'));

/** Writes the DE fixture with `edit` applied to its lines (index 0 is line 1) and returns the file's path. */
const editedDe = (name: string, edit: (lines: string[]) => void): string => {
  const lines = readFileSync(DE, 'utf8').split('\n');
  edit(lines);
  const file = path.join(scratch, name);
  writeFileSync(file, lines.join('\n'));
  return file;
};

/** Runs `hub settlement parse ...args` in-process and returns its exit code and what it wrote. */
const hub = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command().name('hub').exitOverride();
  registerSettlementCommands(program, { out: (text) => out.push(text), err: (text) => err.push(text) });
  await program.parseAsync(['settlement', 'parse', ...args], { from: 'user' });
  return { code: process.exitCode, stdout: out.join(''), stderr: err.join('') };
};

afterEach(() => {
  process.exitCode = undefined;
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('hub settlement parse', () => {
  it('prints the journal as JSON and exits 0 when the file balances', async () => {
    const { code, stdout, stderr } = await hub(DE, '--json');
    expect(code).toBe(SETTLEMENT_EXIT_CODES.balanced);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({
      settlementId: '23167452842',
      currency: 'EUR',
      startDate: '2024-10-11T08:59:52Z',
      totalAmount: '196.65',
      rowCount: 102,
      unmapped: [],
      balanced: true,
    });
  });

  it('prints a readable table without --json', async () => {
    const { code, stdout } = await hub(fixture('amazon-us-2024-10-09.v2.txt'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^settlement 21574497411 \(USD\)/);
    expect(stdout).toMatch(/Amazon sales +Order \/ ItemPrice \/ Principal +3449\.50\n/);
    expect(stdout).toMatch(/Amazon deposits +deposit \(the other side\) +-1977\.17\n/);
    expect(stdout).toContain('total-amount 1977.17, lines sum to 1977.17: balanced');
  });

  it('exits 3 and still prints the journal when the rows do not sum to total-amount', async () => {
    const file = editedDe('unbalanced.txt', (lines) => {
      lines[1] = lines[1]?.replace('\t196,65\t', '\t196,66\t') ?? '';
    });
    const { code, stdout } = await hub(file, '--json');
    expect(code).toBe(SETTLEMENT_EXIT_CODES.unbalanced);
    expect(JSON.parse(stdout)).toMatchObject({ totalAmount: '196.66', balanced: false });
    expect((await hub(file)).stdout).toContain('UNBALANCED by -0.01');
  });

  it('exits 2 with one line naming the line of an amount that is not a number', async () => {
    const file = editedDe('bad-amount.txt', (lines) => {
      lines[16] = lines[16]?.replace('\t-10,44\t', '\t12,3,4\t') ?? '';
    });
    const { code, stdout, stderr } = await hub(file, '--json');
    expect(code).toBe(SETTLEMENT_EXIT_CODES.unreadable);
    expect(stdout).toBe('');
    expect(stderr).toBe("error: line 17: amount '12,3,4' is not a number\n");
  });

  it('exits 2 when the header lacks a required column', async () => {
    const file = editedDe('no-amount-column.txt', (lines) => {
      lines[0] = lines[0]?.replace('\tamount\t', '\tbetrag\t') ?? '';
    });
    const { code, stderr } = await hub(file);
    expect(code).toBe(2);
    expect(stderr).toBe('error: line 1: not a V2 settlement header: missing column(s) amount\n');
  });

  it('exits 2 with one line when the file cannot be read', async () => {
    const { code, stderr } = await hub(path.join(scratch, 'missing.txt'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: ENOENT: no such file or directory, open '.*missing\.txt'\n$/);
  });
});
