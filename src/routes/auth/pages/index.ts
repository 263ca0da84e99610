/**
 * @module routes/auth/pages
 * The server-rendered pages of the MCP login (VO choice, consent, error) and their security
 * plumbing (headers with a per-response CSP nonce, stateless CSRF tokens, the Origin check).
 */
export { clientLabel, destinationKind, redirectHost } from './client.ts';
export { CSRF_FIELD, DECISION_FIELD, readConsentDecision, renderConsentPage } from './consent.ts';
export type { ConsentDecision, ConsentPageOptions, ConsentTool } from './consent.ts';
export { CSRF_MAX_AGE_SECONDS, importCsrfKey, issueCsrfToken, sameOrigin, verifyCsrfToken } from './csrf.ts';
export type { CsrfIssueOptions } from './csrf.ts';
export { DEV_LOGIN_USER_FIELD, readDevLoginChoice, renderDevLoginPage } from './dev-login.ts';
export type { DevLoginPageOptions, DevLoginUser } from './dev-login.ts';
export { CANNOT_CONTINUE, errorPageResponse, orErrorPage, renderErrorPage } from './error.ts';
export type { ErrorPageOptions } from './error.ts';
export {
  contentSecurityPolicy,
  formActionSource,
  htmlResponse,
  newNonce,
  NONCE_BYTES,
  securityHeaders,
} from './headers.ts';
export { escapeHtml, html, page, raw } from './html.ts';
export type { HtmlValue, PageOptions, SafeHtml } from './html.ts';
export { parseVoChoice, renderVoChoicePage, VO_CHOICE_FIELD, voChoiceValue } from './vo-choice.ts';
export type { VoChoicePageOptions, VoOption } from './vo-choice.ts';
