// The seam between providers and translators: what the translators make of one object.
import type { Issue, KubeObject } from '@tidegate/common';

/**
 * The verdict on one object. `read: false`: no translator reads its kind (a typo such as
 * `HttpRoute`, or a kind Tidegate does not know), and `issues` says so. `read: true`:
 * `issues` are the translator's schema problems (unknown field, unsupported apiVersion,
 * bad value), empty when the object passes.
 */
export interface ObjectVerdict {
  read: boolean;
  issues: readonly Issue[];
}

/**
 * Checks one object the way the translators will. The composition root passes the
 * translators' check (`checkObjectSchema` in @tidegate/translator); providers depend on
 * this signature only. Must be pure: results are cached per object.
 */
export type ObjectCheck = (object: KubeObject) => ObjectVerdict;
