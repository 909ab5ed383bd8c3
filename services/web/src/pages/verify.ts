import { html, type SafeHtml } from '../html';
import { formatDate } from '../i18n';
import { param, type PageContext, type PageResult } from './context';

/** Longer than any certificate number with spaces and dashes: refused before asking the gateway. */
export const MAX_NUMBER_LENGTH = 40;

const VERIFY = `query WebVerify($number: String!) {
  verifyCertificate(number: $number) { status number holderName examCode examTitle issuedOn revokedOn }
}`;

type VerificationStatus = 'VALID' | 'REVOKED' | 'NOT_FOUND' | 'INVALID_NUMBER';
interface Verification {
  status: VerificationStatus;
  number: string;
  holderName: string | null;
  examCode: string | null;
  examTitle: string | null;
  issuedOn: string | null;
  revokedOn: string | null;
}

function verifyForm(ctx: PageContext, value: string, error?: string): SafeHtml {
  const { t } = ctx;
  return html`<form class="search-form" method="get" action="/verify">
    <div class="field">
      <label for="number">${t('verify.label')}</label>
      <p class="hint" id="number-hint">${t('verify.hint')}</p>
      ${error ? html`<p class="error" id="number-error">${error}</p>` : ''}
      <input
        id="number"
        name="number"
        type="text"
        value="${value}"
        autocomplete="off"
        spellcheck="false"
        aria-describedby="number-hint${error ? ' number-error' : ''}"
        ${error ? html` aria-invalid="true"` : ''}
      />
    </div>
    <button type="submit">${t('verify.submit')}</button>
  </form>`;
}

/** GET /verify: the form; with ?number= it sends the reader to the answer's own address. */
export function verifyFormPage(ctx: PageContext): PageResult {
  const { t, url } = ctx;
  if (url.searchParams.has('number')) {
    const number = param(url, 'number');
    if (!number) return formWithError(ctx, '', t('verify.empty'));
    if (number.length > MAX_NUMBER_LENGTH)
      return formWithError(
        ctx,
        number.slice(0, MAX_NUMBER_LENGTH),
        t('verify.tooLong', { max: MAX_NUMBER_LENGTH }),
      );
    return {
      kind: 'redirect',
      status: 303,
      location: `/verify/${encodeURIComponent(number)}`,
      cache: 'none',
    };
  }
  return {
    kind: 'page',
    status: 200,
    title: t('verify.title'),
    body: html`<h1>${t('verify.title')}</h1>
      <p>${t('verify.lead')}</p>
      ${verifyForm(ctx, '')}`,
    cache: 'static',
  };
}

function formWithError(ctx: PageContext, value: string, error: string): PageResult {
  const { t } = ctx;
  return {
    kind: 'page',
    status: 400,
    title: t('verify.title'),
    body: html`<h1>${t('verify.title')}</h1>
      <p>${t('verify.lead')}</p>
      ${verifyForm(ctx, value, error)}`,
    cache: 'none',
  };
}

const STATUS_CODES: Record<VerificationStatus, number> = {
  VALID: 200,
  REVOKED: 200,
  NOT_FOUND: 404,
  INVALID_NUMBER: 400,
};

/** GET /verify/{number}: the answer a person can trust, and never more than the public may see. */
export async function verificationPage(ctx: PageContext, rawNumber: string): Promise<PageResult> {
  const { t, language } = ctx;
  const number = rawNumber.trim();
  if (!number) return verifyFormPage(ctx);
  if (number.length > MAX_NUMBER_LENGTH)
    return formWithError(
      ctx,
      number.slice(0, MAX_NUMBER_LENGTH),
      t('verify.tooLong', { max: MAX_NUMBER_LENGTH }),
    );
  const { verifyCertificate: v } = await ctx.gateway.query<{ verifyCertificate: Verification }>(
    VERIFY,
    { number },
    ctx.requestId,
  );
  const text: Record<VerificationStatus, string> = {
    VALID: t('verify.validText'),
    REVOKED: t('verify.revokedText', { date: v.revokedOn ? formatDate(v.revokedOn, language) : '' }),
    NOT_FOUND: t('verify.notFoundText'),
    INVALID_NUMBER: t('verify.invalidText'),
  };
  const known = v.status === 'VALID' || v.status === 'REVOKED';
  const title = t('verify.resultHeading', { number: v.number });
  const body = html`<h1>${title}</h1>
    <section
      class="verdict verdict-${v.status.toLowerCase()}"
      aria-labelledby="verdict"
      data-status="${v.status}"
    >
      <h2 id="verdict">${t(`verify.${v.status}`)}</h2>
      <p>${text[v.status]}</p>
      ${
        known
          ? html`<dl class="facts">
              <dt>${t('verify.holder')}</dt>
              <dd class="holder">${v.holderName}</dd>
              <dt>${t('verify.qualification')}</dt>
              <dd>${v.examTitle}</dd>
              <dt>${t('verify.issuedOn')}</dt>
              <dd>${v.issuedOn ? formatDate(v.issuedOn, language) : ''}</dd>
            </dl>`
          : ''
      }
    </section>
    <h2>${t('verify.another')}</h2>
    ${verifyForm(ctx, known ? '' : number)}`;
  return { kind: 'page', status: STATUS_CODES[v.status], title, body, cache: known ? 'live' : 'none' };
}
