/**
 * A well-formedness check for the XML roster writes (JUnit). fast-xml-parser's parser accepts unescaped `<` and
 * `&`, and its validator still accepts them inside attribute values (where JUnit puts failure messages), so the
 * validator is completed here by the rules it leaves out: every `&` starts an entity reference, attribute values
 * hold no `<`, and only characters XML 1.0 allows appear.
 */
import { XMLValidator } from "fast-xml-parser";

const BARE_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
const LT_IN_ATTRIBUTE = /=\s*(?:"[^"]*<[^"]*"|'[^']*<[^']*')/;
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** true, or what is wrong. */
export function xmlProblem(xml: string): string | undefined {
  const validated = XMLValidator.validate(xml);
  if (validated !== true) return `${validated.err.code}: ${validated.err.msg} (line ${validated.err.line})`;
  if (BARE_AMPERSAND.test(xml)) return "an & that starts no entity reference";
  if (LT_IN_ATTRIBUTE.test(xml)) return "a < inside an attribute value";
  if (NOT_XML_CHAR.test(xml)) return "a character XML 1.0 does not allow";
  return undefined;
}
