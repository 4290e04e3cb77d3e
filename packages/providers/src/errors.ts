// The providers package's error class, for system errors (a user's mistake is a ProviderError in the snapshot).
import { TidegateError } from '@tidegate/common';

export type ProvidersErrorCode = 'config-dir-unreadable' | 'config-dir-not-a-directory';

/** A provider cannot run at all, e.g. its configuration directory does not exist. */
export class ProvidersError extends TidegateError<ProvidersErrorCode> {}
