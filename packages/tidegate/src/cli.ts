#!/usr/bin/env node
// The `tidegate` command line.
import { Command } from 'commander';
import { redactText } from '@tidegate/common';
import { controllerCommand, standaloneCommand } from './commands/standalone';
import { envoyCommand } from './commands/envoy';
import { statusCommand } from './commands/status';
import { migrateReportCommand } from './commands/migrate-report';

const program = new Command('tidegate')
  .description('Tidegate: an API gateway control plane for stock Envoy')
  .version(require('../package.json').version as string)
  .addCommand(standaloneCommand())
  .addCommand(controllerCommand())
  .addCommand(envoyCommand())
  .addCommand(statusCommand())
  .addCommand(migrateReportCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`tidegate: ${redactText(err instanceof Error ? err.message : String(err))}\n`);
  process.exit(1);
});
