/**
 * A small JSON Schema checker for the OpenAPI conformance test: `$ref` (local), `allOf`,
 * `type` (one or a list), `enum`, `properties`, `required`, `additionalProperties: false`,
 * `items`, `minimum`/`maximum`, `format: date-time`. Returns the problems found, empty when the
 * value conforms.
 *
 * @module
 */

type Schema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * Checks `value` against `schema` (whose `$ref`s point into `document`).
 *
 * @example
 * ```ts
 * expect(validate(doc, { $ref: "#/components/schemas/Started" }, body)).toEqual([]);
 * ```
 */
export function validate(document: Schema, schema: Schema, value: unknown, path = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const target = schema.$ref.slice(2).split("/").reduce(
      (node: unknown, key) => (node as Schema)[key],
      document,
    ) as Schema;
    return validate(document, target, value, path);
  }
  const problems: string[] = [];
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) {
    problems.push(...validate(document, part, value, path));
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    const ok = types.includes(actual) || (actual === "integer" && types.includes("number"));
    if (!ok) return [...problems, `${path}: ${actual} is not ${types.join(" | ")}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
  }
  if (
    schema.format === "date-time" && typeof value === "string" && Number.isNaN(Date.parse(value))
  ) {
    problems.push(`${path}: ${value} is not a date-time`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) {
      problems.push(`${path}: < min`);
    }
    if (typeof schema.maximum === "number" && value > schema.maximum) {
      problems.push(`${path}: > max`);
    }
  }
  if (typeOf(value) === "object") {
    problems.push(...validateObject(document, schema, value as Schema, path));
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      problems.push(...validate(document, schema.items as Schema, item, `${path}[${i}]`))
    );
  }
  return problems;
}

function validateObject(document: Schema, schema: Schema, value: Schema, path: string): string[] {
  const problems: string[] = [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const key of (schema.required as string[] | undefined) ?? []) {
    if (!(key in value)) problems.push(`${path}.${key}: missing`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (properties[key]) {
      problems.push(...validate(document, properties[key], item, `${path}.${key}`));
    } else if (schema.additionalProperties === false) problems.push(`${path}.${key}: not allowed`);
  }
  return problems;
}
