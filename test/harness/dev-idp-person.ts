/**
 * The person at the development identity provider's login page, over HTTP (the requests a browser
 * sends: the page, then its form posted with the page's Origin): for tests that do not drive a
 * browser. The page's fields are read from its HTML, not built here, so a page that lost them fails.
 */

export type Send = (req: Request) => Promise<Response>;

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#96;': '`',
};

function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#96);/g, (e) => ENTITIES[e] ?? e);
}

/** The `name`/`value` of every hidden input of a page, in order. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(m[1] ?? '')] = unescapeHtml(m[2] ?? '');
  }
  return fields;
}

/** The subjects the page offers, in order (its radio buttons). */
export function offeredSubjects(html: string): string[] {
  return [...html.matchAll(/<input type="radio" id="[^"]*" name="sub" value="([^"]*)"/g)].map((m) =>
    unescapeHtml(m[1] ?? ''),
  );
}

/** The form's action of a page. */
export function formAction(html: string): string {
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
  if (action === undefined) throw new Error(`no POST form on the page: ${html.slice(0, 300)}`);
  return unescapeHtml(action);
}

/**
 * Opens `authorizeUrl` (the provider's login page), picks `sub` and submits: resolves with where
 * the provider sends the browser (the 303's Location). Throws with the page when it is not 200/303.
 */
export async function signInAtDevIdp(send: Send, authorizeUrl: string, sub: string): Promise<string> {
  const page = await send(new Request(authorizeUrl));
  const html = await page.text();
  if (page.status !== 200) throw new Error(`login page: ${page.status} ${html.slice(0, 500)}`);
  if (!offeredSubjects(html).includes(sub)) throw new Error(`the login page does not offer ${sub}`);
  const action = formAction(html);
  const answer = await send(
    new Request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(authorizeUrl).origin },
      body: new URLSearchParams({ ...hiddenFields(html), sub }),
      redirect: 'manual',
    }),
  );
  const location = answer.headers.get('location');
  if (answer.status !== 303 || location === null) {
    throw new Error(`login answer: ${answer.status} ${(await answer.text()).slice(0, 500)}`);
  }
  return location;
}
