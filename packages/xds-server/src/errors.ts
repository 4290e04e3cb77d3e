// The xDS server's one error class.
import { TidegateError } from '@tidegate/common';

export type XdsServerErrorCode = 'invalid-snapshot' | 'invalid-options' | 'listen-failed' | 'already-listening';

/** A programming or system error in the xDS server (bad snapshot shape, bind failure). */
export class XdsServerError extends TidegateError<XdsServerErrorCode> {}
