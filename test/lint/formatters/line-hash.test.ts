/**
 * The line hash must equal what github/codeql-action's upload-sarif computes, or alerts uploaded through the
 * raw API and through upload-sarif would not match. The expected values are the ones codeql-action's own
 * test publishes (src/fingerprints.test.ts at f3f1edbedfb4a1d188d344570834df2996d45d39).
 */
import { lineHashes } from '../../../src/lint/formatters';

const inOrder = (text: string): string[] => [...lineHashes(text)].sort(([a], [b]) => a - b).map(([, hash]) => hash);

const SEVEN_LINES = ['e9496ae3ebfced30:1', 'fb7c023a8b9ccb3f:1', 'ce8ba1a563dcdaca:1', 'e20e36e16fcb0cc8:1', 'b3edc88f2938467e:1', 'c8e28b0b4002a3a0:1', 'c129715d7a2bc9a3:1'];

describe('lineHashes matches codeql-action', () => {
  it.each<[string, string, string[]]>([
    ['an empty file', '', ['c129715d7a2bc9a3:1']],
    ['indentation and no final newline', ' a\nb\n  \t\tc\n d', ['271789c17abda88f:1', '54703d4cd895b18:1', '180aee12dab6264:1', 'a23a3dc5e078b07b:1']],
    ['LF', ' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n', SEVEN_LINES],
    ['CR', ' hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r', SEVEN_LINES],
    ['CRLF', ' hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n', SEVEN_LINES],
    ['mixed line ends', ' hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n', SEVEN_LINES],
    [
      'repeated lines',
      'Lorem ipsum dolor sit amet.\n'.repeat(10),
      [1, 2, 3, 4, 5, 6].map((n) => `a7f2ff13bc495cf2:${n}`).concat(['a7f2ff1481e87703:1', 'a9cf91f7bbf1862b:1', '55ec222b86bcae53:1', 'cc97dc7b1d7d8f7b:1', 'c129715d7a2bc9a3:1']),
    ],
    [
      'short distinct lines',
      'x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n',
      ['e54938cc54b302f1:1', 'bb609acbe9138d60:1', '1131fd5871777f34:1', '5c482a0f8b35ea28:1', '54517377da7028d2:1', '2c644846cb18d53e:1', 'f1b89f20de0d133:1', 'c129715d7a2bc9a3:1'],
    ],
  ])('for %s', (_, text, expected) => {
    expect(inOrder(text)).toEqual(expected);
  });
});
