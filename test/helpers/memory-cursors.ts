import type { CursorResume, CursorState } from '../../shared/adapters/aws/cursor-store';
import { ConditionFailedError } from '../../shared/runtime/errors';

/** One cursor's state as a test sees and sets it; the store changes this very object. */
export type MemoryCursor = { at?: string; resume?: CursorResume };

/**
 * A cursor store in memory with the conditions of the DynamoDB one (`CursorStore`): a write names the value it read,
 * and fails with ConditionFailedError when another run moved the cursor. `state(name)` is that cursor's live state.
 */
export const memoryCursors = (initial: Readonly<Record<string, MemoryCursor>> = {}) => {
  const states = new Map<string, MemoryCursor>(Object.entries(initial).map(([name, s]) => [name, { ...s }]));
  const state = (name: string): MemoryCursor => {
    const found = states.get(name) ?? {};
    states.set(name, found);
    return found;
  };
  const check = (name: string, from: string | undefined) => {
    if (state(name).at !== from) throw new ConditionFailedError('moved', undefined);
  };
  return {
    state,
    read: async (name: string): Promise<CursorState> => ({ ...state(name) }),
    advance: async (name: string, from: string | undefined, to: string) => {
      check(name, from);
      state(name).at = to;
      delete state(name).resume;
    },
    saveResume: async (name: string, from: string | undefined, resume: CursorResume | undefined) => {
      check(name, from);
      if (resume) state(name).resume = resume;
      else delete state(name).resume;
    },
  };
};
