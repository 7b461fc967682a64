/**
 * A small XML reader for what virsh dumpxml prints: elements, attributes, text, comments and the
 * prolog. No DTDs, no namespaces. Enough to read domains back without a dependency.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", apos: "'", quot: '"' };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|apos|quot);/gi, (_m, e: string) => {
    if (e.startsWith("#x") || e.startsWith("#X"))
      return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? "";
  });
}

export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  const tokens =
    /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:'[^']*'|"[^"]*"))*)\s*(\/?)>|([^<]+)/g;
  for (const m of xml.matchAll(tokens)) {
    const top = stack[stack.length - 1];
    if (top === undefined) throw new Error("unbalanced XML");
    const [, cdata, closing, opening, attrText, selfClose, text] = m;
    if (cdata !== undefined) top.text += cdata;
    else if (closing !== undefined) {
      if (top.name !== closing) throw new Error(`XML: expected </${top.name}>, got </${closing}>`);
      stack.pop();
    } else if (opening !== undefined) {
      const el: XmlElement = {
        name: opening,
        attrs: parseAttrs(attrText ?? ""),
        children: [],
        text: "",
      };
      top.children.push(el);
      if (selfClose !== "/") stack.push(el);
    } else if (text !== undefined) top.text += decode(text);
  }
  if (stack.length !== 1) throw new Error("XML: unclosed elements");
  const first = root.children[0];
  if (first === undefined) throw new Error("XML: no root element");
  return first;
}

function parseAttrs(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(/([^\s=]+)\s*=\s*(?:'([^']*)'|"([^"]*)")/g)) {
    const [, key, single, double] = m;
    if (key !== undefined) attrs[key] = decode(single ?? double ?? "");
  }
  return attrs;
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
