/**
 * The parse error of the shell grammar.
 */
import { ScratchifyError, SourceLocation } from '../errors';

/**
 * A ScratchifyError of kind 'parse' for shell text. `incomplete` is true when the text ended inside a construct
 * (an open quote, `if` without `fi`): more lines could still make it valid, which is how invokedCommands
 * decides whether to read further or skip a broken line.
 */
export class ShellSyntaxError extends ScratchifyError {
  readonly incomplete: boolean;

  constructor(message: string, location: SourceLocation, incomplete: boolean) {
    super('parse', message, location);
    this.name = 'ShellSyntaxError';
    this.incomplete = incomplete;
  }
}
