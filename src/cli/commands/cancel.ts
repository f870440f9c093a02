import type { Command } from '../command.js';
import { endInstanceCommand } from '../end-instance.js';

export const cancelCommand: Command = endInstanceCommand('cancel');
