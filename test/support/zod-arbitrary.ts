/**
 * fast-check arbitraries from the routes' zod 4 schemas, through `z.toJSONSchema` (input side): no
 * maintained package converts zod 4 to arbitraries, so this walks the JSON Schema subset our schemas
 * produce (objects, arrays, strings with patterns, lengths and formats, numbers, enums, consts, unions).
 * Values are valid by construction where the schema says enough; refinements JSON Schema cannot express
 * (a real calendar date, cross-field rules) may still be refused, which the fuzz pass counts as a 4xx.
 */
import fc from 'fast-check';
import type * as z from 'zod/mini';
import { toJSONSchema } from 'zod/mini';

export type JsonSchema = Record<string, unknown>;

export function jsonSchemaOf(schema: z.ZodMiniType): JsonSchema {
  return toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
}

/** Strings are kept short unless the schema asks for more: the fuzz pass adds huge ones on purpose. */
const LONGEST = 40;

function stringArbitrary(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = typeof s.maxLength === 'number' ? s.maxLength : Math.max(minLength, LONGEST);
  const fits = (v: string) => v.length >= minLength && v.length <= maxLength;
  if (s.format === 'date-time') {
    return fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2030-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  }
  if (s.format === 'date') {
    return fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2030-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
    } catch {
      // A pattern fast-check cannot generate from: any string of the right length.
    }
  }
  return fc.string({ minLength, maxLength: Math.min(maxLength, Math.max(minLength, LONGEST)) });
}

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lowest =
    typeof s.minimum === 'number'
      ? s.minimum
      : typeof s.exclusiveMinimum === 'number'
        ? s.exclusiveMinimum + 1
        : -1e6;
  const highest =
    typeof s.maximum === 'number'
      ? s.maximum
      : typeof s.exclusiveMaximum === 'number'
        ? s.exclusiveMaximum - 1
        : 1e9;
  return integer || s.type === 'integer'
    ? fc.integer({ min: Math.ceil(lowest), max: Math.floor(highest) })
    : fc.double({ min: lowest, max: highest, noNaN: true, noDefaultInfinity: true });
}

/** An arbitrary of values the schema describes; `root` resolves `$ref`s into `$defs`. */
export function arbitraryOf(s: JsonSchema, root: JsonSchema = s): fc.Arbitrary<unknown> {
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace(/^#\/\$defs\//, '');
    const target = (root.$defs as Record<string, JsonSchema> | undefined)?.[name];
    return target ? fc.constant(undefined).chain(() => arbitraryOf(target, root)) : fc.jsonValue();
  }
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => arbitraryOf(a, root)));
  if (Array.isArray(s.allOf) && s.allOf.length) return arbitraryOf(s.allOf[0] as JsonSchema, root);
  if (Array.isArray(s.type)) {
    return fc.oneof(...(s.type as string[]).map((type) => arbitraryOf({ ...s, type }, root)));
  }
  switch (s.type) {
    case 'string':
      return stringArbitrary(s);
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxLength = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 4, Math.max(minLength, 4));
      const items = s.items ? arbitraryOf(s.items as JsonSchema, root) : fc.jsonValue();
      return fc.array(items, { minLength, maxLength });
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = (s.required ?? []) as string[];
      const shape = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, arbitraryOf(v, root)]));
      if (
        Object.keys(shape).length === 0 &&
        s.additionalProperties &&
        typeof s.additionalProperties === 'object'
      ) {
        return fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }),
          arbitraryOf(s.additionalProperties as JsonSchema, root),
          { maxKeys: 3 },
        );
      }
      return fc.record(shape, { requiredKeys: required.filter((k) => k in shape) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A deterministic valid-looking sample of a schema (the first value of a fixed seed). */
export function sampleOf(schema: z.ZodMiniType, seed = 15): unknown {
  const json = jsonSchemaOf(schema);
  return fc.sample(arbitraryOf(json), { seed, numRuns: 1 })[0];
}
