import { html, type SafeHtml } from '../html';
import { countryName, formatDate } from '../i18n';
import { param, type PageContext, type PageResult } from './context';

/** RCB certificate numbers are the RCB's own; longer than this is not one. */
export const MAX_ORGANIZATION_NUMBER_LENGTH = 64;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FIELDS = `certificateNumber valid status organizationName country rcb { id } rcbName cycleStart expiry
    statusReason suspendedOn sameNumberAtOtherRcbs`;

/** With the RCB (a link from the list of matches): the one certification that RCB gave this number. */
const VERIFY = `query WebVerifyOrganization($number: String!, $rcb: ID) {
  verifyOrganizationCertification(certificateNumber: $number, rcbId: $rcb) { ${FIELDS} }
}`;

/** By number alone: every certification carrying it, so a number two RCBs use is never answered with one. */
const VERIFY_NUMBER = `query WebVerifyCertificateNumber($number: String!) {
  verifyCertificateNumber(certificateNumber: $number) { certificateNumber matches { ${FIELDS} } }
}`;

interface OrganizationVerification {
  certificateNumber: string;
  valid: boolean;
  status: 'CERTIFIED' | 'SUSPENDED' | 'WITHDRAWN' | 'EXPIRED';
  organizationName: string;
  country: string;
  rcb: { id: string } | null;
  rcbName: string | null;
  cycleStart: string;
  expiry: string;
  statusReason: string | null;
  suspendedOn: string | null;
  sameNumberAtOtherRcbs: number;
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

/**
 * GET /registry/verify?number=[&rcb=]: an organization's certificate, honestly (suspended, withdrawn,
 * expired). By number alone every certification carrying it is asked for: one is shown, several are
 * listed with their RCBs (each linking here with `rcb`), never one picked.
 */
export async function organizationVerificationPage(ctx: PageContext): Promise<PageResult> {
  const { t, url } = ctx;
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
  let matches: OrganizationVerification[];
  if (rcb) {
    const data = await ctx.gateway.query<{
      verifyOrganizationCertification: OrganizationVerification | null;
    }>(VERIFY, { number, rcb }, ctx.requestId);
    matches = data.verifyOrganizationCertification ? [data.verifyOrganizationCertification] : [];
  } else {
    const data = await ctx.gateway.query<{
      verifyCertificateNumber: { matches: OrganizationVerification[] } | null;
    }>(VERIFY_NUMBER, { number }, ctx.requestId);
    matches = data.verifyCertificateNumber?.matches ?? [];
  }
  if (matches.length === 0) {
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
  return matches.length > 1 ? matchesPage(ctx, number, matches) : verdictPage(ctx, matches[0], !rcb);
}

/** The address of the verification narrowed to one RCB's certification with this number. */
const narrowedHref = (number: string, rcbId: string) =>
  `/registry/verify?${new URLSearchParams({ number, rcb: rcbId }).toString()}`;

/**
 * Several RCBs use this number (numbers are unique per RCB only): every match with its RCB, for the
 * visitor to pick the one named on the certificate. None is picked for them.
 */
function matchesPage(ctx: PageContext, number: string, matches: OrganizationVerification[]): PageResult {
  const { t, language } = ctx;
  const title = t('orgVerify.resultHeading', { number });
  return {
    kind: 'page',
    status: 200,
    title,
    body: html`<h1>${title}</h1>
      <section class="verdict verdict-ambiguous" aria-labelledby="verdict" data-status="AMBIGUOUS">
        <h2 id="verdict">${t('orgVerify.ambiguousTitle', { count: matches.length })}</h2>
        <p>${t('orgVerify.ambiguous')}</p>
      </section>
      <table class="results matches">
        <caption>
          ${t('orgVerify.matchesCaption', { number })}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t('registry.rcb')}</th>
            <th scope="col">${t('certification.organization')}</th>
            <th scope="col">${t('registry.country')}</th>
            <th scope="col">${t('registry.status')}</th>
            <th scope="col">${t('certification.expiry')}</th>
          </tr>
        </thead>
        <tbody>
          ${matches.map(
            (m) =>
              html`<tr data-status="${m.status}">
                <th scope="row">
                  ${
                    m.rcb
                      ? html`<a href="${narrowedHref(number, m.rcb.id)}"
                          >${t('orgVerify.verifyWith', { rcb: m.rcbName ?? m.rcb.id })}</a
                        >`
                      : (m.rcbName ?? '')
                  }
                </th>
                <td>${m.organizationName}</td>
                <td>${countryName(m.country, language)}</td>
                <td>${t(`registry.${m.status}`)}</td>
                <td>${formatDate(m.expiry, language)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${organizationVerifyForm(ctx, '')}`,
    cache: 'live',
  };
}

/** One certification's honest verdict (suspended, withdrawn, expired shown as such). */
function verdictPage(ctx: PageContext, v: OrganizationVerification, byNumberOnly: boolean): PageResult {
  const { t, language } = ctx;
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
        ${
          !byNumberOnly && v.sameNumberAtOtherRcbs > 0
            ? html`<p class="other-matches">
                ${t('orgVerify.otherMatches', { count: v.sameNumberAtOtherRcbs })}
                <a href="/registry/verify?${new URLSearchParams({ number: v.certificateNumber }).toString()}"
                  >${t('orgVerify.allMatches')}</a
                >
              </p>`
            : ''
        }
      </section>
      ${organizationVerifyForm(ctx, '')}`,
    cache: 'live',
  };
}
