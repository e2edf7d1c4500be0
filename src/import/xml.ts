/** XML documents as a DOM (linkedom), after fast-xml-parser has checked they are well formed. */
import { XMLValidator } from 'fast-xml-parser';
import { DOMParser } from 'linkedom';
import { UserError } from '../errors.js';

export type XmlDocument = ReturnType<DOMParser['parseFromString']>;
export type XmlElement = NonNullable<ReturnType<XmlDocument['querySelector']>>;

/** Parses XML; a document that is not well formed is refused (422) naming the line. */
export function parseXml(text: string, what: string): XmlDocument {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) {
    throw new UserError(`${what} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg.replace(/\.$/, '')}).`, 422);
  }
  return new DOMParser().parseFromString(text, 'text/xml');
}

/** Elements by local name, with or without a namespace prefix ("dc:title" or "title"). */
export function elementsNamed(root: { getElementsByTagName(name: string): ArrayLike<XmlElement> }, name: string): XmlElement[] {
  return Array.from(root.getElementsByTagName(name));
}
