#!/usr/bin/env node
// Lists bare-module imports in packages/*/src that the importing package's package.json does not declare.
// Usage: node scripts/check-deps.js  (exit 1 and a list when something is undeclared). No dependencies.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const REPO_ROOT = path.resolve(__dirname, '..');
const BUILTINS = new Set(builtinModules);
// `import x from 'm'`, `import 'm'`, `export ... from 'm'` (also `import type`), `require('m')`, `import('m')`.
const SPECIFIERS = [
  /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"\n]+)['"]/g,
  /\b(?:require|import)\(\s*['"]([^'"\n]+)['"]\s*\)/g,
];

/** The package a specifier names (`@scope/name`, `name`), or undefined for relative paths and Node built-ins. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? undefined : name;
}

/** Bare packages a TypeScript source imports; comments are dropped first so examples in docs do not count. */
function importsOf(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Set();
  for (const re of SPECIFIERS) {
    for (const m of code.matchAll(re)) {
      const name = packageOf(m[1]);
      if (name) found.add(name);
    }
  }
  return found;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Tests and their helpers (`test-support/` folders, which every package's tsconfig leaves out of its build). */
const isTestFile = (file) => file.endsWith('.test.ts') || file.split(path.sep).includes('test-support');

/**
 * Every undeclared import, one entry per package and module:
 * `{ pkg, manifest, module, dev, files }`. `dev` is true when only tests and
 * test-support files import it (devDependencies are then enough); otherwise it
 * belongs in dependencies.
 */
function undeclaredImports(root = REPO_ROOT) {
  const problems = [];
  const packagesDir = path.join(root, 'packages');
  for (const dir of fs.readdirSync(packagesDir).sort()) {
    const manifestPath = path.join(packagesDir, dir, 'package.json');
    const srcDir = path.join(packagesDir, dir, 'src');
    if (!fs.existsSync(manifestPath) || !fs.existsSync(srcDir)) continue;
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    const deps = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const devDeps = new Set(Object.keys(manifest.devDependencies ?? {}));
    const missing = new Map(); // module → { dev, files }
    for (const file of sourceFiles(srcDir)) {
      const test = isTestFile(file);
      for (const name of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (name === manifest.name || deps.has(name) || (test && devDeps.has(name))) continue;
        const entry = missing.get(name) ?? { dev: true, files: [] };
        entry.dev = entry.dev && test;
        entry.files.push(path.relative(root, file));
        missing.set(name, entry);
      }
    }
    for (const [name, { dev, files }] of [...missing].sort(([a], [b]) => (a < b ? -1 : 1))) {
      problems.push({ pkg: manifest.name, manifest: path.relative(root, manifestPath), module: name, dev, files });
    }
  }
  return problems;
}

/** The range to declare: the root package.json's, another package's, or `^` the installed version. */
function suggestedRange(name, root = REPO_ROOT) {
  if (name.startsWith('@tidegate/')) return '0.1.0';
  const manifests = [path.join(root, 'package.json')];
  const packagesDir = path.join(root, 'packages');
  for (const dir of fs.readdirSync(packagesDir)) manifests.push(path.join(packagesDir, dir, 'package.json'));
  for (const file of manifests) {
    if (!fs.existsSync(file)) continue;
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    const range = m.dependencies?.[name] ?? m.devDependencies?.[name];
    if (range) return range;
  }
  try {
    return `^${JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version}`;
  } catch {
    return undefined;
  }
}

module.exports = { undeclaredImports, importsOf, suggestedRange };

if (require.main === module) {
  const problems = undeclaredImports();
  for (const p of problems) {
    const where = p.dev ? 'devDependencies' : 'dependencies';
    console.error(`${p.manifest}: "${p.module}" is imported but not declared (add to ${where}: "${suggestedRange(p.module) ?? '?'}") — ${p.files.slice(0, 3).join(', ')}${p.files.length > 3 ? ', ...' : ''}`);
  }
  if (problems.length) process.exit(1);
  console.log('every import in packages/*/src is declared');
}
