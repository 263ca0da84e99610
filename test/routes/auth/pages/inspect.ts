/**
 * Test helper: the elements of a rendered page (tag, attributes with character references
 * decoded, and text), parsed with Bun's HTMLRewriter rather than with regular expressions.
 */

export interface Element {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
}

export interface Parsed {
  readonly elements: readonly Element[];
  /** All text nodes, decoded, joined. */
  readonly text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' };

export function decode(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e: string) => ENTITIES[e] ?? '');
}

export async function parse(document: string): Promise<Parsed> {
  const elements: Element[] = [];
  let text = '';
  await new HTMLRewriter()
    .on('*', {
      element(el) {
        elements.push({
          tag: el.tagName,
          attrs: Object.fromEntries([...el.attributes].map(([k, v]) => [k, decode(v)])),
        });
      },
      text(chunk) {
        text += chunk.text;
      },
    })
    .transform(new Response(document))
    .text();
  return { elements, text: decode(text) };
}

export function byTag(parsed: Parsed, tag: string): Element[] {
  return parsed.elements.filter((e) => e.tag === tag);
}

/** Ids of inputs/selects/textareas with no `<label for>` naming them. */
export function unlabelledControls(parsed: Parsed): string[] {
  const labelled = new Set(byTag(parsed, 'label').map((l) => l.attrs.for));
  return parsed.elements
    .filter((e) => ['input', 'select', 'textarea'].includes(e.tag) && e.attrs.type !== 'hidden')
    .map((e) => e.attrs.id ?? '(no id)')
    .filter((id) => !labelled.has(id));
}

/** Every `aria-describedby` reference that names no element id. */
export function danglingDescriptions(parsed: Parsed): string[] {
  const ids = new Set(parsed.elements.map((e) => e.attrs.id).filter((id) => id !== undefined));
  return parsed.elements.flatMap((e) =>
    (e.attrs['aria-describedby'] ?? '').split(/\s+/).filter((r) => r !== '' && !ids.has(r)),
  );
}

/** Attacker-shaped client names and values. */
export const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-literal injection, meant as plain text
  '`${alert(1)}`',
  '</style><script>alert(1)</script>',
  '&lt;script&gt;',
];
