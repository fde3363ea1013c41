import { describe, expect, it } from 'vitest';
import { mergeConfig, parseStageConfig } from '../../lib/config/stage-config';
import { devStage, resolveStage } from '../../lib/config/stages';
import { ConfigError } from '../../shared/runtime/errors';

describe('stage configuration', () => {
  it('has a dev stage that is valid out of the box', () => {
    expect(resolveStage('dev').stage).toBe('dev');
  });

  it('applies overrides from CDK context, as JSON text or object', () => {
    expect(resolveStage('dev', '{"stock":{"defaultBuffer":3}}').stock).toMatchObject({
      defaultBuffer: 3,
      amazonBuffer: 1,
    });
    expect(resolveStage('dev', { windows: { ghostOrderMinutes: 30 } }).windows.ghostOrderMinutes).toBe(30);
  });

  it('names every invalid field', () => {
    const attempt = () =>
      parseStageConfig(
        mergeConfig(devStage, { amazon: { marketplaceIds: ['uk'] }, schedules: { monitors: 'every 5 minutes' } }),
        'prod',
      );
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /stage config 'prod' is not valid: .*amazon\.marketplaceIds\.0: .*schedules\.monitors: must be rate/,
    );
  });

  it('refuses any stage but dev that would lose its data with its stack, naming retainData', () => {
    // What `cdk synth -c stageOverrides=...` resolves: the synth fails before any construct is built.
    expect(() => resolveStage('dev', { stage: 'prod' })).toThrow(
      /retainData: stage 'prod' must keep its data \(retainData: true\); only dev may be deleted with its stack/,
    );
    expect(resolveStage('dev', { stage: 'prod', retainData: true }).retainData).toBe(true);
    expect(resolveStage('dev').retainData).toBe(false);
  });

  it('refuses an unknown stage and overrides that are not JSON', () => {
    expect(() => resolveStage('qa')).toThrow(/unknown stage 'qa'; known stages: dev/);
    expect(() => resolveStage('dev', '{oops')).toThrow(/stageOverrides is not JSON/);
  });

  it('names the listing mapping a stage asks for and checks its marketplaces against the stage', () => {
    expect(resolveStage('dev').catalogue.mapping).toBe('apparel');
    expect(() => resolveStage('dev', { catalogue: { mapping: 'furniture' } })).toThrow(
      /catalogue\.mapping: no listing mapping 'furniture'; known: apparel/,
    );
    expect(() => resolveStage('dev', { amazon: { marketplaceIds: ['A1F83G8C2ARO7P'] } })).toThrow(
      /catalogue\.mapping\.marketplaces\.A1PA6795UKMFR9: the listing mapping lists in A1PA6795UKMFR9, which is not in amazon\.marketplaceIds/,
    );
  });

  it('replaces arrays and values but merges objects', () => {
    expect(mergeConfig({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] }, d: 1 });
  });
});
