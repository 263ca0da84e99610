/**
 * @module routes/auth/pages/form
 * What the page forms share: a checked `action` (one of our paths or an absolute http(s) URL,
 * never a `javascript:` or protocol-relative one) and the hidden fields that carry the flow
 * through the form (escaped like everything else; names a page reserves are refused).
 */
import { html, type SafeHtml } from './html.ts';

/**
 * `action` when a form may submit to it. GET forms replace the action's query with the form's
 * fields, so a GET action must not carry one (pass those values as hidden fields).
 * @throws TypeError otherwise.
 */
export function checkFormAction(action: string, method: 'get' | 'post'): string {
  const path = action.startsWith('/') && !action.startsWith('//') && !action.startsWith('/\\');
  const absolute = /^https?:\/\/[^\s/?#\\]+(?:[/?#]|$)/i.test(action);
  if (!(path || absolute) || /[\s\\]/.test(action)) {
    throw new TypeError(`pages: form action must be a path or an http(s) URL: ${JSON.stringify(action)}`);
  }
  if (method === 'get' && /[?#]/.test(action)) {
    throw new TypeError('pages: a GET form action cannot carry a query; pass it as hidden fields');
  }
  return action;
}

/** `<input type="hidden">` for each field, in order. */
export function hiddenInputs(hidden: Readonly<Record<string, string>>, reserved: readonly string[]): SafeHtml {
  const clash = Object.keys(hidden).find((name) => reserved.includes(name));
  if (clash !== undefined) throw new TypeError(`pages: hidden field ${JSON.stringify(clash)} is reserved by the form`);
  const inputs = Object.entries(hidden).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`,
  );
  return html`${inputs}`;
}
