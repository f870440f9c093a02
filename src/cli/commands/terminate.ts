import type { Command } from '../command.js';
import { endInstanceCommand } from '../end-instance.js';

export const terminateCommand: Command = endInstanceCommand('terminate');
