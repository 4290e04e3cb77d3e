// What Envoy's gRPC-JSON transcoder needs of a FileDescriptorSet, checked before Envoy sees one.
import * as protobuf from 'protobufjs';
import * as descriptor from 'protobufjs/ext/descriptor';
import type { IDescriptorProto, IFieldDescriptorProto, IFileDescriptorProto } from 'protobufjs/ext/descriptor';

/** A descriptor set Envoy can load, and the services it defines. */
export type DescriptorSetCheck = { ok: true; services: string[] } | { ok: false; problem: string };

interface FileEntry {
  proto: IFileDescriptorProto;
  /** The file's own bytes, to tell an identical repeat from a conflicting one. */
  raw: string;
}

/**
 * Envoy builds the transcoder's descriptor pool file by file, in set order, and refuses the
 * whole route configuration (every route of the listener) when one file does not build:
 * "Unable to build proto descriptor pool", with no detail. This catches the usual causes
 * first and says which file and name is at fault: bytes that are not a FileDescriptorSet,
 * an import missing or placed after its importer (`protoc` without `--include_imports`),
 * a type name that does not resolve, a symbol defined twice, and map entry types not named
 * `<Field>Entry` (which protobufjs' `toDescriptor` writes). It is not a full protobuf
 * compiler: `google.api.http` path templates, for one, are left to Envoy.
 */
export function checkDescriptorSet(bytes: Uint8Array): DescriptorSetCheck {
  let files: FileEntry[];
  try {
    files = splitFiles(bytes);
  } catch (err) {
    return { ok: false, problem: `not a serialised FileDescriptorSet (${(err as Error).message})` };
  }
  if (files.length === 0) return { ok: false, problem: 'the FileDescriptorSet holds no files' };

  const built = new Map<string, BuiltFile>();
  const definedIn = new Map<string, string>();
  const services: string[] = [];
  for (const [i, { proto, raw }] of files.entries()) {
    const name = proto.name ?? '';
    if (!name) return { ok: false, problem: `file #${i} has no name` };
    const earlier = built.get(name);
    if (earlier) {
      if (earlier.raw === raw) continue; // protobuf accepts an identical file again
      return { ok: false, problem: `file ${name} appears twice with different contents` };
    }
    const problem = buildFile(proto, raw, built);
    if (typeof problem === 'string') return { ok: false, problem: `${name}: ${problem}` };
    for (const symbol of problem.symbols) {
      const other = definedIn.get(symbol);
      if (other) return { ok: false, problem: `${name}: ${symbol} is already defined in ${other}` };
      definedIn.set(symbol, name);
    }
    built.set(name, problem);
    services.push(...problem.services);
  }
  return { ok: true, services };
}

/** The files of a set, decoded one by one (field 1 of FileDescriptorSet, each length-delimited). */
function splitFiles(bytes: Uint8Array): FileEntry[] {
  const reader = protobuf.Reader.create(bytes);
  const files: FileEntry[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 2) {
      const raw = reader.bytes();
      const message = descriptor.FileDescriptorProto.decode(raw);
      const proto = descriptor.FileDescriptorProto.toObject(message, { arrays: true, defaults: false }) as IFileDescriptorProto;
      files.push({ proto, raw: Buffer.from(raw).toString('base64') });
    } else {
      reader.skipType(tag & 7);
    }
  }
  return files;
}

interface BuiltFile {
  raw: string;
  /** Fully qualified names (no leading dot) of the messages, enums and services it defines. */
  symbols: Set<string>;
  services: string[];
  publicDependencies: string[];
}

type Scoped = { scope: string; field: IFieldDescriptorProto; where: string };

/** One file against the files built before it; a problem, or what it adds to the pool. */
function buildFile(file: IFileDescriptorProto, raw: string, built: ReadonlyMap<string, BuiltFile>): BuiltFile | string {
  const deps: string[] = file.dependency ?? [];
  for (const dep of deps) {
    if (!built.has(dep)) return `imports ${dep}, which is not in the set before it (build the set with protoc --include_imports)`;
  }
  const pkg = file.package ?? '';
  const own = new Set<string>();
  const fields: Scoped[] = [];
  const addSymbol = (full: string): string | undefined => (own.has(full) ? `${full} is defined twice` : (own.add(full), undefined));
  const qualify = (scope: string, name: string) => (scope ? `${scope}.${name}` : name);

  const visitMessage = (m: IDescriptorProto, scope: string): string | undefined => {
    const full = qualify(scope, m.name ?? '');
    const dup = addSymbol(full);
    if (dup) return dup;
    for (const f of m.field ?? []) fields.push({ scope: full, field: f, where: `${full}.${f.name}` });
    for (const f of m.extension ?? []) fields.push({ scope: full, field: f, where: `${full}.${f.name}` });
    for (const e of m.enumType ?? []) {
      const bad = addSymbol(qualify(full, e.name ?? ''));
      if (bad) return bad;
    }
    const badEntry = mapEntryProblem(m, full);
    if (badEntry) return badEntry;
    for (const n of m.nestedType ?? []) {
      const bad = visitMessage(n, full);
      if (bad) return bad;
    }
    return undefined;
  };

  for (const m of file.messageType ?? []) {
    const bad = visitMessage(m, pkg);
    if (bad) return bad;
  }
  for (const e of file.enumType ?? []) {
    const bad = addSymbol(qualify(pkg, e.name ?? ''));
    if (bad) return bad;
  }
  for (const f of file.extension ?? []) fields.push({ scope: pkg, field: f, where: `${qualify(pkg, f.name ?? '')}` });
  const services: string[] = [];
  const methods: Array<{ scope: string; type: string; where: string }> = [];
  for (const s of file.service ?? []) {
    const full = qualify(pkg, s.name ?? '');
    const bad = addSymbol(full);
    if (bad) return bad;
    services.push(full);
    for (const m of s.method ?? []) {
      methods.push({ scope: full, type: m.inputType ?? '', where: `${full}.${m.name} input` });
      methods.push({ scope: full, type: m.outputType ?? '', where: `${full}.${m.name} output` });
    }
  }

  // What a name in this file may refer to: its own symbols, its imports', and what those re-export publicly.
  const visible = new Set(own);
  const seen = new Set<string>();
  const addVisible = (dep: string) => {
    if (seen.has(dep)) return;
    seen.add(dep);
    const f = built.get(dep) as BuiltFile;
    f.symbols.forEach((s) => visible.add(s));
    f.publicDependencies.forEach(addVisible);
  };
  deps.forEach(addVisible);

  for (const { scope, field, where } of fields) {
    if (field.typeName && !resolves(field.typeName, scope, visible)) return `type ${field.typeName} of ${where} is not defined in this file or its imports`;
    if (field.extendee && !resolves(field.extendee, scope, visible)) return `${field.extendee} extended by ${where} is not defined in this file or its imports`;
  }
  for (const m of methods) {
    if (!resolves(m.type, m.scope, visible)) return `type ${m.type || '(none)'} of ${m.where} is not defined in this file or its imports`;
  }
  const publicDependencies = ((file.publicDependency ?? []) as number[]).map((i) => deps[i] ?? '').filter(Boolean);
  return { raw, symbols: own, services, publicDependencies };
}

/**
 * protobuf insists a map field's entry type is named after the field (`labels` →
 * `LabelsEntry`) and nested next to it; anything else "should not set map_entry".
 */
function mapEntryProblem(m: IDescriptorProto, full: string): string | undefined {
  for (const nested of m.nestedType ?? []) {
    if (!nested.options?.mapEntry) continue;
    const user = (m.field ?? []).find((f) => f.typeName === nested.name || f.typeName?.endsWith(`.${nested.name}`));
    const expected = user ? `${camelCase(user.name ?? '')}Entry` : undefined;
    if (nested.name !== expected) {
      return `map entry type ${full}.${nested.name} must be named ${expected ?? '<Field>Entry after its map field'} (protobuf's rule; protobufjs' toDescriptor does not follow it)`;
    }
  }
  return undefined;
}

/** protobuf's ToCamelCase with an upper-case first letter: `foo_bar` → `FooBar`. */
function camelCase(name: string): string {
  let out = '';
  let upper = true;
  for (const ch of name) {
    if (ch === '_') upper = true;
    else {
      out += upper ? ch.toUpperCase() : ch;
      upper = false;
    }
  }
  return out;
}

/** A type reference: fully qualified (`.pkg.Msg`), or relative, looked up from the innermost scope outwards. */
function resolves(name: string, scope: string, visible: ReadonlySet<string>): boolean {
  if (!name) return false;
  if (name.startsWith('.')) return visible.has(name.slice(1));
  const parts = scope ? scope.split('.') : [];
  for (let n = parts.length; n >= 0; n--) {
    const candidate = [...parts.slice(0, n), name].join('.');
    if (visible.has(candidate)) return true;
  }
  return false;
}
