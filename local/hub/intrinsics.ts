/**
 * Resolves CloudFormation intrinsic functions against the local hub's resources: `Ref`, `Fn::GetAtt`,
 * `Fn::Join`, `Fn::Sub` (variables only), `Fn::Select`, `Fn::ImportValue` and the pseudo parameters.
 */

/** What a provisioned resource answers to `Ref` and `Fn::GetAtt`. */
export interface ResolvedResource {
  readonly ref: string;
  readonly attributes: Record<string, string>;
}

/** The account, region and partition the local hub pretends to be in. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'eu-west-1';

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::Region': LOCAL_REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::NoValue': '',
};

/** A lookup of resources and exports by which intrinsics are resolved. */
export class Resolver {
  readonly resources = new Map<string, ResolvedResource>();
  readonly exports = new Map<string, unknown>();

  /** Resolves every intrinsic inside `value`; an unknown reference is an error naming it. */
  resolve(value: unknown, where = 'template'): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, where));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [[key, arg]] = entries as [[string, unknown]];
      switch (key) {
        case 'Ref':
          return this.#ref(String(arg), where);
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          const resource = this.resources.get(String(id));
          const resolved = resource?.attributes[String(attribute)];
          if (resolved === undefined) throw new Error(`${where}: cannot resolve Fn::GetAtt ${id}.${attribute}`);
          return resolved;
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (this.resolve(parts, where) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (this.resolve(list, where) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, source] = arg as [string, unknown];
          return String(this.resolve(source, where)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, variables = {}] =
            typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
          return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (name in variables) return String(this.resolve(variables[name], where));
            if (name.includes('.')) return String(this.resolve({ 'Fn::GetAtt': name.split('.') }, where));
            return this.#ref(name, where);
          });
        }
        case 'Fn::ImportValue': {
          const name = String(this.resolve(arg, where));
          if (!this.exports.has(name)) throw new Error(`${where}: no export named ${name}`);
          return this.exports.get(name);
        }
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, where)]));
  }

  #ref(name: string, where: string): string {
    if (name in PSEUDO) return PSEUDO[name] as string;
    const resource = this.resources.get(name);
    if (!resource) throw new Error(`${where}: cannot resolve Ref ${name}`);
    return resource.ref;
  }
}
