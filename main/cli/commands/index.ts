/** Every `voxa` subcommand. Add a command: a file in this folder, one line here. */
import type { CliCommand } from '../command';
import { infoCommand } from './info';
import { phantomCommand } from './phantom';
import { importCommand } from './import';
import { anonymizeCommand } from './anonymize';
import { convertCommand } from './convert';
import { recistCommand } from './recist';
import { responseCommand } from './response';
import { reportCommand } from './report';
import { segmentCommand } from './segment';
import { modelsCommand } from './models';
import { classifyCommand } from './classify';
import { vqaCommand } from './vqa';
import { embedCommand } from './embed';
import { fewshotCommand } from './fewshot';

export const COMMANDS: CliCommand[] = [infoCommand];
COMMANDS.push(phantomCommand);
COMMANDS.push(importCommand);
COMMANDS.push(anonymizeCommand);
COMMANDS.push(convertCommand);
COMMANDS.push(recistCommand);
COMMANDS.push(responseCommand);
COMMANDS.push(reportCommand);
COMMANDS.push(segmentCommand);
COMMANDS.push(modelsCommand);
COMMANDS.push(classifyCommand, vqaCommand, embedCommand, fewshotCommand);
