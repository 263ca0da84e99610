/**
 * @module routes/auth/pages/error
 * The page for a login flow that cannot continue and cannot send the browser back to the
 * client (unknown client, unregistered redirect URI, expired or forged form): a title and a
 * message, both plain text, answered 400 unless told otherwise.
 */
import { htmlResponse, newNonce } from './headers.ts';
import { html, page } from './html.ts';

export interface ErrorPageOptions {
  readonly title: string;
  readonly message: string;
  readonly nonce: string;
}

/** An error page document. */
export function renderErrorPage({ title, message, nonce }: ErrorPageOptions): string {
  const body = html`<h1>${title}</h1>
<p>${message}</p>
<p class="muted">You can close this window and start again from your application.</p>`;
  return page({ title, body, nonce });
}

/** An error page response with its own nonce and the page security headers (status 400 by default). */
export function errorPageResponse(
  options: { readonly title: string; readonly message: string },
  status = 400,
): Response {
  const nonce = newNonce();
  return htmlResponse(renderErrorPage({ ...options, nonce }), nonce, status);
}
