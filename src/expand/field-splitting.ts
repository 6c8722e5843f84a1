import { isGoSpace } from './go-unicode';

/**
 * The partial field under construction. BuildKit (since 4c935cf9a "parser: optimize memory usage on env
 * processing") keeps one such buffer per lexer and every nested scan, such as the `w` of `${x:-w}`, clears
 * it on entry. So when splitting into fields, text gathered just before a `${x:-w}`-style expansion is lost:
 * `ab${X:-y}cd` splits to `["ycd"]` (the expanded single word is unaffected). This matters for EXPOSE, the
 * only instruction BuildKit splits after expansion, and we reproduce it to match.
 */
export class SharedFieldBuffer {
  text = '';
}

/**
 * Field splitting as BuildKit's `wordsStruct` does it: unquoted whitespace from literal text and from `$`
 * expansions ends a field, while quoted and escaped text is added whole. A field that ends up empty (from
 * `""`) is dropped.
 */
export class FieldAccumulator {
  private readonly fields: string[] = [];
  private inField = false;

  constructor(private readonly buffer: SharedFieldBuffer) {
    buffer.text = '';
  }

  /** A character that splits fields when it is whitespace. */
  addSplittable(codePoint: string): void {
    if (isGoSpace(codePoint)) {
      if (this.inField && this.buffer.text.length > 0) {
        this.fields.push(this.buffer.text);
        this.buffer.text = '';
        this.inField = false;
      }
      return;
    }
    this.addLiteral(codePoint);
  }

  /** Every character of an expansion's value, each of which may split. */
  addSplittableText(text: string): void {
    for (const codePoint of text) this.addSplittable(codePoint);
  }

  /** Text that never splits: quoted or escaped. */
  addLiteral(text: string): void {
    this.buffer.text += text;
    this.inField = true;
  }

  /** The finished fields, including the one in progress. */
  finish(): string[] {
    if (this.buffer.text.length > 0) {
      this.fields.push(this.buffer.text);
      this.buffer.text = '';
      this.inField = false;
    }
    return this.fields;
  }
}
