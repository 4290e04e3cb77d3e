// Turns zod issues into field-located messages: `spec.rules[0].matches[0].path.type`.
import type { z } from 'zod';

/** A schema problem at a dotted field path. */
export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Formats a zod path: numbers become `[i]`, odd keys become `["tls.crt"]`. */
export function formatPath(path: readonly PropertyKey[], base = ''): string {
  let out = base;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && IDENTIFIER.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

/** One FieldIssue per problem; an unknown-keys issue yields one per key. */
export function fieldIssues(issues: readonly z.core.$ZodIssue[], base = ''): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path, base);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath([key], path), code: 'unknown-field', message: `unknown field "${key}"` });
      }
    } else {
      out.push({ path, ...describe(issue) });
    }
  }
  return out;
}

function describe(issue: z.core.$ZodIssue): { code: string; message: string } {
  // zod prefixes messages with "Invalid input: " / "Invalid option: "; the path already says where.
  const message = issue.message.replace(/^Invalid (input|option): /, '');
  switch (issue.code) {
    case 'invalid_type':
      // zod does not keep the input; its message says what it received.
      if (issue.message.endsWith('received undefined')) return { code: 'missing-field', message: 'required field is missing' };
      return { code: 'invalid-type', message };
    case 'invalid_union':
      return { code: 'invalid-value', message: unionMessage(issue) ?? message };
    case 'too_small':
    case 'too_big':
      return { code: 'out-of-range', message: message.replace(/^Too (small|big): /, '') };
    default:
      return { code: 'invalid-value', message };
  }
}

/**
 * A union's message: the branch whose type matched but whose value did not
 * ("must be a size such as ..."), else the list of expected types ("number or string").
 */
function unionMessage(issue: z.core.$ZodIssueInvalidUnion): string | undefined {
  const near = issue.errors.find((branch) => branch.length === 1 && branch[0]?.code !== 'invalid_type' && !branch[0]?.path.length);
  if (near?.[0]) return near[0].message.replace(/^Invalid (input|option): /, '');
  const expected: string[] = [];
  for (const branch of issue.errors) {
    const first = branch[0];
    if (branch.length !== 1 || !first || first.code !== 'invalid_type' || first.path.length) return undefined;
    expected.push(first.expected);
  }
  return expected.length ? `expected ${expected.join(' or ')}` : undefined;
}
