/**
 * @module routes/auth/pages/error
 * The page for a login flow that cannot continue and cannot send the browser back to the
 * client (unknown client, unregistered redirect URI, expired or forged form): a title and a
 * message, both plain text, answered 400 unless told otherwise.
 */
import { DiracxError } from '../../../core/errors.ts';
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

/** The title of a sign-in that cannot continue. */
export const CANNOT_CONTINUE = 'Sign-in cannot continue';

/**
 * A problem the person must read (the flow is gone, a choice is invalid: an `INVALID_INPUT`
 * error) as a 400 page titled `title`; anything else is rethrown.
 */
export async function orErrorPage(run: () => Promise<Response>, title = CANNOT_CONTINUE): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DiracxError && err.code === 'INVALID_INPUT') {
      return errorPageResponse({ title, message: err.message }, 400);
    }
    throw err;
  }
}
