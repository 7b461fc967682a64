// Writes src/server/routers/outputs.generated.ts: one zod output schema per procedure, derived by
// the TypeScript compiler from what each resolver (or a serviceRouter row's service) returns
// (core's return types), so the schemas the procedures declare with .output() (serviceRouter
// looks them up by name) and the OpenAPI document shows cannot drift from core by hand. Run after
// changing what a procedure returns:
//
//   npx tsx apps/web/scripts/generate-rest-outputs.ts
//
// A resolver or service whose type stops matching its schema fails the typecheck (tRPC checks the
// resolver against .output(), serviceRouter the service); a new field that the schema lacks
// would be stripped, so rerun this script. Long object schemas that several procedures answer
// are written once and referenced (shareRepeatedObjects).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const routersDir = path.join(webRoot, "src/server/routers");
const require = createRequire(import.meta.url);
const outFile = path.join(routersDir, "outputs.generated.ts");

const configPath = path.join(webRoot, "tsconfig.json");
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  },
);
if (!config) throw new Error("no tsconfig");
const routerFiles = ts.sys
  .readDirectory(routersDir, [".ts"])
  .filter((f) => !f.endsWith(".test.ts") && !f.endsWith("outputs.generated.ts"));
const program = ts.createProgram(routerFiles, { ...config.options, noEmit: true });
const checker = program.getTypeChecker();

const MAX_DEPTH = 12;
const JSON_ALIASES = new Set(["JsonValue", "JsonObject", "JsonArray", "InputJsonValue"]);

// The checker lists an object's properties and a union's members in the order it first met their
// types, which moves with any change elsewhere in the program; sorted, a rerun leaves no diff.
function byName(properties: readonly ts.Symbol[]): ts.Symbol[] {
  return [...properties].sort((a, b) => compareText(a.getName(), b.getName()));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDate(type: ts.Type): boolean {
  return type.getSymbol()?.getName() === "Date";
}

function propertyZod(symbol: ts.Symbol, at: ts.Node, depth: number): string {
  const type = checker.getTypeOfSymbolAtLocation(symbol, at);
  const optional = (symbol.getFlags() & ts.SymbolFlags.Optional) !== 0;
  const inner = toZod(checker.getNonNullableType(type) === type ? type : type, at, depth);
  return optional && !inner.endsWith(".optional()") ? `${inner}.optional()` : inner;
}

/** The type name of each object schema, first met first, for naming the ones written once. */
const objectNames = new Map<string, string>();

function nameObject(text: string, type: ts.Type): void {
  // Pick<Vm, ...> and its kin are named after what they pick from.
  const library = type.aliasSymbol?.declarations?.some((d) =>
    program.isSourceFileDefaultLibrary(d.getSourceFile()),
  );
  const named = library ? type.aliasTypeArguments?.[0] : type;
  const name = named?.aliasSymbol?.getName() ?? named?.getSymbol()?.getName();
  if (name && /^[A-Z]\w*$/.test(name) && !objectNames.has(text)) objectNames.set(text, name);
}

function toZod(type: ts.Type, at: ts.Node, depth: number): string {
  if (depth > MAX_DEPTH) return "z.unknown()";
  // Prisma's Json columns: any JSON value.
  const alias = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
  if (alias && JSON_ALIASES.has(alias)) return "json";
  const flags = type.getFlags();
  if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return "z.unknown()";
  if (flags & ts.TypeFlags.Never) return "z.never()";
  if (flags & ts.TypeFlags.Null) return "z.null()";
  if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return "z.undefined()";
  if (flags & ts.TypeFlags.StringLiteral)
    return `z.literal(${JSON.stringify((type as ts.StringLiteralType).value)})`;
  if (flags & ts.TypeFlags.NumberLiteral)
    return `z.literal(${String((type as ts.NumberLiteralType).value)})`;
  if (flags & ts.TypeFlags.BooleanLiteral)
    return `z.literal(${checker.typeToString(type) === "true" ? "true" : "false"})`;
  if (flags & ts.TypeFlags.String) return "z.string()";
  if (flags & ts.TypeFlags.Number) return "z.number()";
  if (flags & ts.TypeFlags.Boolean) return "z.boolean()";
  if (flags & ts.TypeFlags.BigInt) return "z.bigint()";
  if (type.isUnion()) return unionZod(type, at, depth);
  if (isDate(type)) return "z.date()";
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    return `z.array(${element ? toZod(element, at, depth + 1) : "z.unknown()"})`;
  }
  if (checker.isTupleType(type)) {
    const elements = checker.getTypeArguments(type as ts.TypeReference);
    return `z.tuple([${elements.map((e) => toZod(e, at, depth + 1)).join(", ")}])`;
  }
  if (flags & ts.TypeFlags.Object || type.isIntersection()) {
    const stringIndex = checker.getIndexTypeOfType(type, ts.IndexKind.String);
    const properties = checker.getPropertiesOfType(type);
    if (stringIndex && properties.length === 0)
      return `z.record(z.string(), ${toZod(stringIndex, at, depth + 1)})`;
    if (type.getCallSignatures().length > 0)
      throw new Error(`a function in an output: ${checker.typeToString(type)}`);
    const fields = byName(properties).map((p) => ({
      name: p.getName(),
      zod: propertyZod(p, at, depth + 1),
    }));
    const page = pageOf(fields);
    if (page) return page;
    const text = `z.object({ ${fields.map((f) => `${JSON.stringify(f.name)}: ${f.zod}`).join(", ")} })`;
    nameObject(text, type);
    return text;
  }
  throw new Error(`cannot express ${checker.typeToString(type)} in zod`);
}

/** Every list answers core's page shape; written as `page(item)` rather than spelled out each time. */
const PAGE_FIELDS: Record<string, string | null> = {
  items: null,
  nextCursor: "z.string().nullable()",
  total: "z.number()",
  totalExact: "z.boolean()",
};

function pageOf(fields: Array<{ name: string; zod: string }>): string | null {
  const names = Object.keys(PAGE_FIELDS);
  if (fields.length !== names.length) return null;
  const byField = new Map(fields.map((f) => [f.name, f.zod]));
  const items = /^z\.array\((.*)\)$/s.exec(byField.get("items") ?? "")?.[1];
  const rest = names.every((name) => name === "items" || byField.get(name) === PAGE_FIELDS[name]);
  return items && rest ? `page(${items})` : null;
}

function unionZod(type: ts.UnionType, at: ts.Node, depth: number): string {
  let members = type.types;
  const hasNull = members.some((m) => m.getFlags() & ts.TypeFlags.Null);
  const hasUndefined = members.some(
    (m) => m.getFlags() & (ts.TypeFlags.Undefined | ts.TypeFlags.Void),
  );
  members = members.filter(
    (m) => !(m.getFlags() & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)),
  );
  const booleans = members.filter((m) => m.getFlags() & ts.TypeFlags.BooleanLiteral);
  const rest = members.filter((m) => !(m.getFlags() & ts.TypeFlags.BooleanLiteral));
  const parts: string[] = [];
  if (booleans.length === 2) parts.push("z.boolean()");
  else parts.push(...booleans.map((b) => toZod(b, at, depth)));
  const strings = rest.filter((m) => m.getFlags() & ts.TypeFlags.StringLiteral);
  const others = rest.filter((m) => !(m.getFlags() & ts.TypeFlags.StringLiteral));
  if (strings.length > 1) {
    const values = strings.map((s) => JSON.stringify((s as ts.StringLiteralType).value));
    const enumText = `z.enum([${values.sort(compareText).join(", ")}])`;
    // A Prisma enum (VmState) keeps its name when it is written once.
    const name = type.aliasSymbol?.getName();
    if (name && /^[A-Z]\w*$/.test(name) && !objectNames.has(enumText))
      objectNames.set(enumText, name);
    parts.push(enumText);
  } else parts.push(...strings.map((s) => toZod(s, at, depth)));
  // The unions in outputs are discriminated (or of primitives), so their members' order is free.
  parts.push(...others.map((o) => toZod(o, at, depth)).sort(compareText));
  let out = parts.length > 1 ? `z.union([${parts.join(", ")}])` : (parts[0] ?? "z.never()");
  if (hasNull) out += ".nullable()";
  if (hasUndefined) out += ".optional()";
  return out;
}

/** `x: someProcedure.input(...).query(resolver)`: the resolver, or undefined. */
function resolverOf(node: ts.Expression): ts.Expression | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = node.expression;
  if (
    ts.isPropertyAccessExpression(callee) &&
    ["query", "mutation"].includes(callee.name.text) &&
    node.arguments.length === 1
  )
    return node.arguments[0];
  return undefined;
}

/** What a resolver or service answers, awaited. */
function answerOf(fn: ts.Type, at: ts.Node): ts.Type {
  const signature = fn.getCallSignatures()[0];
  if (!signature) throw new Error(`not a function: ${at.getText()}`);
  const returned = checker.getReturnTypeOfSignature(signature);
  return checker.getAwaitedType(returned) ?? returned;
}

/** A row of a serviceRouter table (`admin(route, summary, input, service)`): its service's type. */
function serviceOf(row: ts.Expression): ts.Type | undefined {
  const service = checker.getTypeAtLocation(row).getProperty("service");
  return service ? checker.getTypeOfSymbolAtLocation(service, row) : undefined;
}

/** The table of `router({...})` or `serviceRouter(tag, outputs, {...})`. */
function tableOf(init: ts.Expression): ts.ObjectLiteralExpression | undefined {
  if (!ts.isCallExpression(init)) return undefined;
  const callee = init.expression.getText();
  const table =
    callee === "router" ? init.arguments[0] : callee === "serviceRouter" ? init.arguments[2] : null;
  return table && ts.isObjectLiteralExpression(table) ? table : undefined;
}

const blocks: string[] = [];
for (const file of routerFiles.sort()) {
  const source = program.getSourceFile(file);
  if (!source) continue;
  ts.forEachChild(source, (statement) => {
    if (!ts.isVariableStatement(statement)) return;
    for (const declaration of statement.declarationList.declarations) {
      const record = declaration.initializer && tableOf(declaration.initializer);
      if (!record) continue;
      const entries: string[] = [];
      for (const property of record.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const row = property.initializer;
        const resolver = resolverOf(row);
        const service = resolver ? undefined : serviceOf(row);
        const answer = resolver
          ? answerOf(checker.getTypeAtLocation(resolver), resolver)
          : service && answerOf(service, row);
        if (!answer) continue;
        entries.push(`  ${property.name.getText()}: ${toZod(answer, resolver ?? row, 0)},`);
      }
      if (entries.length === 0) continue;
      const routerName = declaration.name.getText();
      blocks.push(
        `/** ${path.basename(file)}: ${routerName}. */\nexport const ${routerName}Outputs = {\n${entries.join("\n")}\n};`,
      );
    }
  });
}

/** Object and enum schemas at least this long that recur are written once, as a const, and referenced. */
const SHARED_MIN_LENGTH = 80;

/** Every `z.object({...})` and `z.enum([...])` in a schema's text (brackets in strings skipped). */
function objectSchemas(text: string): string[] {
  return ["z.object(", "z.enum("].flatMap((opening) => schemasOpenedBy(text, opening));
}

function schemasOpenedBy(text: string, opening: string): string[] {
  const found: string[] = [];
  for (let at = text.indexOf(opening); at !== -1; at = text.indexOf(opening, at + 1)) {
    let depth = 0;
    for (let i = at + opening.length - 1; i < text.length; i += 1) {
      const char = text[i];
      if (char === '"') {
        for (i += 1; text[i] !== '"'; i += text[i] === "\\" ? 2 : 1);
      } else if (char === "(") depth += 1;
      else if (char === ")" && --depth === 0) {
        found.push(text.slice(at, i + 1));
        break;
      }
    }
  }
  return found;
}

function occurrences(texts: string[], part: string): number {
  return texts.reduce((count, text) => count + text.split(part).length - 1, 0);
}

/** A name for an unnamed object type (a Prisma row): the field it first stands in, capitalised. */
function keyNameOf(texts: string[], part: string): string {
  for (const text of texts) {
    const at = text.indexOf(part);
    if (at === -1) continue;
    const key = /"?(\w+)"?: (z\.array\()?$/.exec(text.slice(0, at))?.[1];
    if (key) return `${key.charAt(0).toUpperCase()}${key.slice(1)}`;
  }
  return "SharedObject";
}

/**
 * Writes each long object schema that recurs (a view core returns from several services) once,
 * longest first, and puts its name where it stood. Shorter ones are declared first, since only a
 * longer schema can hold a shorter one. toJSONSchema inlines reused schemas, so the OpenAPI
 * document does not change.
 */
function shareRepeatedObjects(texts: string[]): { texts: string[]; shared: string[] } {
  const candidates = [...new Set(texts.flatMap(objectSchemas))]
    .filter((text) => text.length >= SHARED_MIN_LENGTH)
    .sort((a, b) => b.length - a.length || compareText(a, b));
  const declared: Array<{ name: string; text: string }> = [];
  const names = new Set(["json", "z"]);
  let current = texts;
  for (const candidate of candidates) {
    if (occurrences([...current, ...declared.map((d) => d.text)], candidate) < 2) continue;
    const base = objectNames.get(candidate) ?? keyNameOf(current, candidate);
    let name = base;
    for (let n = 2; names.has(name); n += 1) name = `${base}${n}`;
    names.add(name);
    const refer = (text: string) => text.split(candidate).join(name);
    current = current.map(refer);
    for (const d of declared) d.text = refer(d.text);
    declared.push({ name, text: candidate });
  }
  const shared = declared.reverse().map((d) => `const ${d.name} = ${d.text};`);
  return { texts: current, shared };
}

const { texts: routerBlocks, shared } = shareRepeatedObjects(blocks);
const sharedBlock = shared.length
  ? `// Object and enum schemas that several procedures answer, written once.\n${shared.join("\n\n")}\n\n`
  : "";

writeFileSync(
  outFile,
  `// Generated by apps/web/scripts/generate-rest-outputs.ts from the resolvers' return types: do not edit.\n` +
    `import type { Prisma } from "@virtfn/db";\nimport { z } from "zod";\n\n` +
    `/** Prisma's Json columns: any JSON value (zod's JSONType types objects' members as required). */\n` +
    `export const json = z.json() as unknown as z.ZodType<Prisma.JsonValue>;\n\n` +
    `/** A list's answer: core's page of items (see packages/core shared/pagination). */\n` +
    `const page = <Item extends z.ZodType>(item: Item) =>\n` +
    `  z.object({ items: z.array(item), nextCursor: z.string().nullable(), total: z.number(), totalExact: z.boolean() });\n\n` +
    `${sharedBlock}${routerBlocks.join("\n\n")}\n`,
);
// Formatted like the rest of the code, so a rerun without changes leaves no diff.
execFileSync(process.execPath, [require.resolve("prettier/bin/prettier.cjs"), "--write", outFile]);
console.log(`wrote ${path.relative(process.cwd(), outFile)} (${blocks.length} routers)`);
