/** The JSON type of a value. */
type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

const typeOf = (value: unknown): JsonType =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : (typeof value as 'boolean' | 'number' | 'string' | 'object');

/** Every key path of a JSON value (`address.billing.city`, array elements as `items[]`) with the types seen there. */
interface Shape {
  readonly types: Map<string, Set<JsonType>>;
  /** Paths where every array seen was empty: their elements cannot be compared. */
  readonly emptyArrays: Set<string>;
}

const shapeOf = (value: unknown): Shape => {
  const types = new Map<string, Set<JsonType>>();
  const seenElements = new Set<string>();
  const arrays = new Set<string>();
  const walk = (node: unknown, path: string) => {
    const type = typeOf(node);
    const set = types.get(path) ?? new Set<JsonType>();
    set.add(type);
    types.set(path, set);
    if (type === 'array') {
      arrays.add(path);
      for (const element of node as unknown[]) {
        seenElements.add(path);
        walk(element, `${path}[]`);
      }
    } else if (type === 'object') {
      for (const [key, child] of Object.entries(node as Record<string, unknown>))
        walk(child, path === '' ? key : `${path}.${key}`);
    }
  };
  walk(value, '');
  return { types, emptyArrays: new Set([...arrays].filter((p) => !seenElements.has(p))) };
};

/**
 * Where `actual` does not have the shape of the vendor's `sample`: every key path of the sample (except those under
 * an `ignore`d path, which the simulator does not model) must be in `actual` with a JSON type the sample shows there.
 * A null on either side matches a scalar of any type (the sample's null says "nullable", the simulator's says "no
 * value yet"); an object or array in the sample must be an object or array. Array elements are merged, so every
 * element of `actual` is held against every element shape of the sample; an empty array in `actual` cannot be held
 * against the sample's elements and is skipped.
 */
export const shapeMismatches = (sample: unknown, actual: unknown, ignore: readonly string[] = []): string[] => {
  const expected = shapeOf(sample);
  const got = shapeOf(actual);
  const ignored = (path: string) =>
    ignore.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[]`));
  const underEmptyArray = (path: string) =>
    [...got.emptyArrays].some((p) => path.startsWith(`${p}[]`) && !got.types.has(`${p}[]`));
  const problems: string[] = [];
  const missing: string[] = [];
  const belowMissing = (path: string) => missing.some((p) => path.startsWith(`${p}.`) || path.startsWith(`${p}[]`));
  for (const [path, sampleTypes] of expected.types) {
    if (path === '' || ignored(path)) continue;
    const actualTypes = got.types.get(path);
    if (!actualTypes) {
      if (!underEmptyArray(path) && !belowMissing(path)) {
        missing.push(path);
        problems.push(`${path}: missing (sample has ${[...sampleTypes].join('|')})`);
      }
      continue;
    }
    const structural = [...sampleTypes].filter((t) => t === 'object' || t === 'array');
    const sampleConcrete = [...sampleTypes].filter((t) => t !== 'null');
    const actualConcrete = [...actualTypes].filter((t) => t !== 'null');
    if (actualConcrete.length === 0) {
      if (structural.length > 0) problems.push(`${path}: null where the sample has ${structural.join('|')}`);
      continue;
    }
    if (sampleConcrete.length === 0) continue;
    const foreign = actualConcrete.filter((t) => !sampleConcrete.includes(t));
    if (foreign.length > 0)
      problems.push(`${path}: ${foreign.join('|')} where the sample has ${sampleConcrete.join('|')}`);
  }
  return problems;
};
