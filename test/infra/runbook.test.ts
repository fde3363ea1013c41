import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXCEPTION_TYPES, runbookAnchor } from '../../shared/domain/exception-types';
import { synthDevStage } from '../helpers/app';

const runbook = readFileSync(new URL('../../RUNBOOK.md', import.meta.url), 'utf8');
const anchors = new Set([...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((m) => (m[1] as string).trim().toLowerCase()));

/** Exception types the code raises: `raise('TYPE'` anywhere in functions/ and shared/. */
const raisedTypes = (): Set<string> => {
  const types = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (full.endsWith('.ts'))
        for (const m of readFileSync(full, 'utf8').matchAll(/raise\(\s*'([A-Z_]+)'/g)) types.add(m[1] as string);
    }
  };
  for (const dir of ['functions', 'shared']) walk(path.join(import.meta.dirname, '../..', dir));
  return types;
};

describe('RUNBOOK.md', () => {
  it('has the entry every alarm description points to', () => {
    const { stateful, stateless } = synthDevStage();
    const alarms = [stateful, stateless].flatMap((t) => Object.values(t.findResources('AWS::CloudWatch::Alarm')));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      const description = String(alarm.Properties?.AlarmDescription ?? '');
      const anchor = /RUNBOOK\.md#([a-z0-9_-]+)/.exec(description)?.[1];
      expect(anchor, `alarm without a runbook link: ${description}`).toBeDefined();
      expect(anchors, `RUNBOOK.md has no entry ${anchor}`).toContain(anchor);
    }
  });

  it('raises an alarm for every exception type someone must act on at once, and for every dead-letter queue', () => {
    const { stateful, stateless } = synthDevStage();
    const alarms = [stateful, stateless].flatMap((t) => Object.values(t.findResources('AWS::CloudWatch::Alarm')));
    const descriptions = alarms.map((a) => String(a.Properties?.AlarmDescription ?? ''));
    for (const [type, info] of Object.entries(EXCEPTION_TYPES)) {
      if (!info.alarm) continue;
      const anchor = runbookAnchor(type as keyof typeof EXCEPTION_TYPES);
      expect(
        descriptions.some((d) => d.includes(type) || d.includes(anchor)),
        `no alarm names ${type} or ${anchor}`,
      ).toBe(true);
    }
    // Every queue that is some queue's dead-letter target has an alarm on its depth.
    const queues = [stateful, stateless].flatMap((t) => Object.entries(t.findResources('AWS::SQS::Queue')));
    const dlqIds = new Set(
      queues.flatMap(([, q]) => {
        const arn = q.Properties?.RedrivePolicy?.deadLetterTargetArn;
        return arn?.['Fn::GetAtt']?.[0] ? [arn['Fn::GetAtt'][0] as string] : [];
      }),
    );
    expect(dlqIds.size).toBeGreaterThan(0);
    const alarmed = JSON.stringify(alarms);
    for (const id of dlqIds) expect(alarmed, `no alarm on the dead-letter queue ${id}`).toContain(id);
  });

  it('has an entry for every exception type the code raises, under the anchor the exception carries', () => {
    const raised = raisedTypes();
    expect(raised.size).toBeGreaterThan(0);
    for (const type of raised) {
      expect(Object.keys(EXCEPTION_TYPES)).toContain(type);
      const anchor = runbookAnchor(type as keyof typeof EXCEPTION_TYPES).split('#')[1];
      expect(anchors, `RUNBOOK.md has no entry for ${type}`).toContain(anchor);
    }
  });
});
