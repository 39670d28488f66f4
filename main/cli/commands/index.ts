/** Every `voxa` subcommand. Add a command: a file in this folder, one line here. */
import type { CliCommand } from '../command';
import { infoCommand } from './info';
import { phantomCommand } from './phantom';
import { importCommand } from './import';
import { anonymizeCommand } from './anonymize';

export const COMMANDS: CliCommand[] = [infoCommand];
COMMANDS.push(phantomCommand);
COMMANDS.push(importCommand);
COMMANDS.push(anonymizeCommand);
