import { html, type SafeHtml } from '../html';
import { countryName, formatDate } from '../i18n';
import { param, type PageContext, type PageResult } from './context';

/** RCB certificate numbers are the RCB's own; longer than this is not one. */
export const MAX_ORGANIZATION_NUMBER_LENGTH = 64;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const VERIFY = `query WebVerifyOrganization($number: String!, $rcb: ID) {
  verifyOrganizationCertification(certificateNumber: $number, rcbId: $rcb) {
    certificateNumber valid status organizationName country rcbName cycleStart expiry statusReason suspendedOn
  }
}`;

interface OrganizationVerification {
  certificateNumber: string;
  valid: boolean;
  status: 'CERTIFIED' | 'SUSPENDED' | 'WITHDRAWN' | 'EXPIRED';
  organizationName: string;
  country: string;
  rcbName: string | null;
  cycleStart: string;
  expiry: string;
  statusReason: string | null;
  suspendedOn: string | null;
}

/** The instant verification form, shown on the registry page and with every answer. */
export function organizationVerifyForm(ctx: PageContext, value: string, error?: string): SafeHtml {
  const { t } = ctx;
  return html`<form
    class="search-form"
    method="get"
    action="/registry/verify"
    aria-labelledby="org-verify-heading"
  >
    <h2 id="org-verify-heading">${t('orgVerify.heading')}</h2>
    <div class="field">
      <label for="certificate">${t('orgVerify.label')}</label>
      ${error ? html`<p class="error" id="certificate-error">${error}</p>` : ''}
      <input
        id="certificate"
        name="number"
        type="text"
        value="${value}"
        autocomplete="off"
        spellcheck="false"
        ${error ? html`aria-invalid="true" aria-describedby="certificate-error"` : ''}
      />
    </div>
    <button type="submit">${t('orgVerify.submit')}</button>
  </form>`;
}

/** GET /registry/verify?number=[&rcb=]: an organization's certificate, honestly (suspended, withdrawn, expired). */
export async function organizationVerificationPage(ctx: PageContext): Promise<PageResult> {
  const { t, language, url } = ctx;
  const number = param(url, 'number');
  const rcb = param(url, 'rcb');
  const refuse = (error: string): PageResult => ({
    kind: 'page',
    status: 400,
    title: t('orgVerify.heading'),
    body: html`<h1>${t('orgVerify.heading')}</h1>
      ${organizationVerifyForm(ctx, (number ?? '').slice(0, MAX_ORGANIZATION_NUMBER_LENGTH), error)}`,
    cache: 'none',
  });
  if (!number) return refuse(t('orgVerify.empty'));
  if (number.length > MAX_ORGANIZATION_NUMBER_LENGTH)
    return refuse(t('orgVerify.tooLong', { max: MAX_ORGANIZATION_NUMBER_LENGTH }));
  if (rcb && !UUID.test(rcb)) return refuse(t('registry.badRcb'));
  const data = await ctx.gateway.query<{ verifyOrganizationCertification: OrganizationVerification | null }>(
    VERIFY,
    { number, rcb: rcb ?? null },
    ctx.requestId,
  );
  const v = data.verifyOrganizationCertification;
  if (!v) {
    return {
      kind: 'page',
      status: 404,
      title: t('orgVerify.heading'),
      body: html`<h1>${t('orgVerify.heading')}</h1>
        <section class="verdict verdict-not_found" aria-labelledby="verdict" data-status="NOT_FOUND">
          <h2 id="verdict">${t('orgVerify.notFoundTitle')}</h2>
          <p>${t('orgVerify.notFound', { number })}</p>
        </section>
        ${organizationVerifyForm(ctx, number)}`,
      cache: 'none',
    };
  }
  const title = t('orgVerify.resultHeading', { number: v.certificateNumber });
  return {
    kind: 'page',
    status: 200,
    title,
    body: html`<h1>${title}</h1>
      <section
        class="verdict verdict-${v.status.toLowerCase()}"
        aria-labelledby="verdict"
        data-status="${v.status}"
      >
        <h2 id="verdict">${t(`registry.${v.status}`)}</h2>
        <p>${v.valid ? t('orgVerify.valid') : t('orgVerify.notValid')}</p>
        ${v.statusReason && !v.valid ? html`<p>${t('certification.reasonIs', { reason: v.statusReason })}</p>` : ''}
        <dl class="facts">
          <dt>${t('certification.organization')}</dt>
          <dd>${v.organizationName}</dd>
          <dt>${t('registry.country')}</dt>
          <dd>${countryName(v.country, language)}</dd>
          <dt>${t('certification.rcb')}</dt>
          <dd>${v.rcbName ?? ''}</dd>
          <dt>${t('certification.cycleStart')}</dt>
          <dd>${formatDate(v.cycleStart, language)}</dd>
          <dt>${t('certification.expiry')}</dt>
          <dd>${formatDate(v.expiry, language)}</dd>
        </dl>
      </section>
      ${organizationVerifyForm(ctx, '')}`,
    cache: 'live',
  };
}
