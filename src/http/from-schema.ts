// The TypeScript type a JSON schema describes, for the subset labelhook's route schemas use (type, enum,
// properties, required, default, items, additionalProperties, anyOf). Schemas are `as const` objects, so the
// types follow them: the server's handlers, the OpenAPI document and the console read one definition.

type Elem<T> = T extends readonly (infer U)[] ? U : T;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Keys that are always present once validated: required ones, and ones ajv fills from `default`. */
type PresentKeys<S, P> =
  | (S extends { required: readonly (infer R)[] } ? R & keyof P : never)
  | { [K in keyof P]: P[K] extends { default: unknown } ? K : never }[keyof P];

type ObjectOf<S> = S extends { properties: infer P }
  ? Simplify<
      { -readonly [K in PresentKeys<S, P>]: FromSchema<P[K]> } & { -readonly [K in Exclude<keyof P, PresentKeys<S, P>>]?: FromSchema<P[K]> }
    >
  : S extends { additionalProperties: infer A extends object }
    ? Record<string, FromSchema<A>>
    : Record<string, unknown>;

type Typed<T, S> = string extends T
  ? unknown
  : T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { items: infer I }
            ? FromSchema<I>[]
            : unknown[]
          : T extends 'object'
            ? ObjectOf<S>
            : never;

/** The type of a value valid against JSON schema `S`. */
export type FromSchema<S> = S extends { anyOf: readonly (infer U)[] }
  ? FromSchema<U>
  : S extends { enum: readonly (infer E)[] }
    ? E
    : S extends { type: infer T }
      ? Typed<Elem<T>, S>
      : unknown;
