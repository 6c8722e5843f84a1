/**
 * Reading the XML configuration files of the image (fontconfig's `fonts.conf`, ImageMagick's `configure.xml`,
 * `delegates.xml`…) as a flat list of elements with their attributes, text and line. The files are hostile:
 * they are read only below a size bound, saxes expands no entity beyond XML's five (no DTD, no external
 * entities), and a malformed file yields the elements before the error plus one warning, never an exception.
 */
import { SaxesParser } from 'saxes';
import type { AnalysisContext } from '../types';
import { entryAt } from './run-state';

/** XML configuration files larger than this are not read (with a warning). */
export const XML_CONFIG_LIMIT = 2 * 1024 * 1024;
/** Elements beyond this are ignored: no configuration of a program has this many. */
const ELEMENT_LIMIT = 100_000;

/** One element of an XML file: name, attributes, its own text (trimmed), the line its start tag is on. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
  line: number;
  /** Names of the enclosing elements, outermost first. */
  parents: string[];
}

/** The elements of an XML text; `error` is the first parse error (elements before it are returned). */
export function parseXmlElements(text: string): { elements: XmlElement[]; error?: string } {
  const elements: XmlElement[] = [];
  const open: XmlElement[] = [];
  let error: string | undefined;
  const parser = new SaxesParser({ position: true });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(tag.attributes)) attributes[key] = typeof value === 'string' ? value : value.value;
    const element: XmlElement = { name: tag.name, attributes, text: '', line: parser.line, parents: open.map((parent) => parent.name) };
    if (elements.length < ELEMENT_LIMIT) elements.push(element);
    if (!tag.isSelfClosing) open.push(element);
  });
  parser.on('text', (content) => {
    const current = open[open.length - 1];
    if (current && current.text.length < 4096) current.text += content;
  });
  parser.on('closetag', () => {
    const closed = open.pop();
    if (closed) closed.text = closed.text.trim();
  });
  parser.on('error', (problem) => {
    error ??= problem.message;
    throw problem;
  });
  try {
    parser.write(text).close();
  } catch {
    // saxes stops at the first error; what was read before it stands.
  }
  for (const element of open) element.text = element.text.trim();
  return error === undefined ? { elements } : { elements, error };
}

/** Reads an XML config file of the image: undefined when missing, not a file, too large or unreadable. */
export async function readXmlConfig(context: AnalysisContext, path: string): Promise<XmlElement[] | undefined> {
  const entry = entryAt(context, path);
  if (entry?.type !== 'file' && entry?.type !== 'hardlink') return undefined;
  if (entry.size > XML_CONFIG_LIMIT) {
    context.warn(`${path}: ${entry.size} bytes is too large for an XML configuration; not read`);
    return undefined;
  }
  const { elements, error } = parseXmlElements((await context.read(path)).toString('utf8'));
  if (error !== undefined) context.warn(`${path}: not well-formed XML (${error.split('\n')[0]}); only what comes before is followed`);
  return elements;
}
