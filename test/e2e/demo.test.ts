import { describe, expect, it } from 'vitest';
import { renderDemoReport, runDemo } from '../../local/demo';
import { useHub } from '../helpers/hub';

const hub = useHub({ schedules: 'all' });

describe('hub demo', () => {
  it('drives a trading day through every loop and finds every business invariant held', async () => {
    const report = await runDemo(hub(), { orders: 25 });
    const text = renderDemoReport(report);
    expect(report.invariants.filter((i) => !i.held)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(text).toContain('all invariants hold');
    expect(report.loops.map((l) => l.loop)).toEqual([
      '1 SCAYLE order -> OrderWise',
      '2 SCAYLE cancel -> OrderWise',
      '10 money check',
    ]);
    expect(report.loops[0]?.effectsOut).toBe(26);
  }, 180_000);
});
