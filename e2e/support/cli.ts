// Running the built `tidegate` command as a user would: its path, and the user's environment.
import * as path from 'node:path';

/** The compiled CLI (npm test builds it first). */
export const CLI = path.join(__dirname, '..', '..', 'packages', 'tidegate', 'dist', 'cli.js');

/** The user's environment, without the test runner's markers (which silence logging). */
export function cliEnv(): NodeJS.ProcessEnv {
  const { JEST_WORKER_ID: _worker, TIDEGATE_LOG_LEVEL: _level, ...env } = process.env;
  return env;
}
