import fc from 'fast-check';
import { isScratchifyError } from '../../src/errors';
import { invokedCommandsReport, isShellBuiltin, parseShell, toExecForm } from '../../src/shell';

/** Shell-flavoured fragments, so random strings hit quotes, expansions and keywords far more often than noise. */
const fragment = fc.constantFrom(
  ' ', '\n', '\t', '\\', '\\\n', "'", '"', '`', '$', '$(', '${', '$((', '))', '(', ')', '{', '}', '[', ']', '*', '?',
  '~', '#', ';', ';;', '&', '&&', '|', '||', '!', '<', '>', '>>', '2>&1', '<<', '<<-', 'EOF', '=', 'a', 'x=1', 'echo',
  'if', 'then', 'elif', 'else', 'fi', 'for', 'in', 'do', 'done', 'while', 'until', 'case', 'esac', 'function', ':-',
  '%%', '#', '@', 'sh -c ', 'exec ', 'sudo ', 'env ',
);
const shellish = fc.array(fc.oneof(fragment, fc.string({ maxLength: 3 })), { maxLength: 40 }).map((parts) => parts.join(''));
const anyText = fc.oneof(shellish, fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }));

function onlyScratchifyErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!isScratchifyError(error)) throw error;
    expect(error.kind).toBe('parse');
  }
}

describe('shell analyses never throw anything but ScratchifyError', () => {
  test('parseShell returns a script or throws a parse ScratchifyError', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        onlyScratchifyErrors(() => {
          expect(parseShell(text).kind).toBe('script');
        });
      }),
      { numRuns: 3000 },
    );
  });

  test('toExecForm and invokedCommandsReport never throw', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = toExecForm(text);
        if (result.ok) expect(result.argv.length).toBeGreaterThan(0);
        else expect(result.reasons.length).toBeGreaterThan(0);
        const report = invokedCommandsReport(text);
        for (const error of report.errors) expect(isScratchifyError(error)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  test('an argv that toExecForm accepts survives quoting back into shell form', () => {
    // Round trip: single-quote each argument, as a user would when writing the RUN line by hand.
    const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;
    const argument = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9_/-]{0,8}$/), fc.array(argument, { maxLength: 4 }), (name, args) => {
        fc.pre(!isShellBuiltin(name));
        expect(toExecForm([name, ...args.map(quote)].join(' '))).toEqual({ ok: true, argv: [name, ...args] });
      }),
      { numRuns: 1000 },
    );
  });
});
