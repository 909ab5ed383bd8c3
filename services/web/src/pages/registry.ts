import { html, type SafeHtml } from '../html';
import { countryName, countryOptions, formatDate, isCountryCode, type Translate } from '../i18n';
import { param, type PageContext, type PageResult } from './context';
import { notFoundPage } from './errors';
import { withParams } from './layout';
import { organizationVerifyForm } from './organization-verify';

export const MAX_NAME_LENGTH = 200;
const MAX_CURSOR_LENGTH = 1000;
const PAGE_SIZE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const CERTIFICATION_STATUSES = ['CERTIFIED', 'SUSPENDED', 'WITHDRAWN', 'EXPIRED'] as const;
type CertificationStatus = (typeof CERTIFICATION_STATUSES)[number];

const SEARCH = `query WebRegistry($filter: CertifiedOrganizationFilter, $first: Int, $after: String) {
  certifiedOrganizations(filter: $filter, first: $first, after: $after) {
    edges { node { id legalName country certifications { id certificateNumber rcb { id } rcbName status cycleStart expiry } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface SearchResult {
  certifiedOrganizations: {
    edges: Array<{
      node: {
        id: string;
        legalName: string;
        country: string;
        certifications: Array<{
          id: string;
          certificateNumber: string;
          rcb: { id: string };
          rcbName: string | null;
          status: CertificationStatus;
          cycleStart: string;
          expiry: string;
        }>;
      };
    }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

interface RegistryQuery {
  name?: string;
  country?: string;
  rcb?: string;
  status?: CertificationStatus;
  after?: string;
}

/** Reads the search from the address; each field a person can get wrong gets its own message. */
function parseRegistryQuery(
  url: URL,
  t: Translate,
): { query: RegistryQuery; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const query: RegistryQuery = {};
  const name = param(url, 'name');
  if (name && name.length > MAX_NAME_LENGTH)
    errors.name = t('registry.nameTooLong', { max: MAX_NAME_LENGTH });
  else if (name) query.name = name;
  const country = param(url, 'country')?.toUpperCase();
  if (country && !isCountryCode(country)) errors.country = t('registry.badCountry');
  else if (country) query.country = country;
  const rcb = param(url, 'rcb');
  if (rcb && !UUID.test(rcb)) errors.rcb = t('registry.badRcb');
  else if (rcb) query.rcb = rcb;
  const status = param(url, 'status');
  if (status && !(CERTIFICATION_STATUSES as readonly string[]).includes(status))
    errors.status = t('registry.badStatus');
  else if (status) query.status = status as CertificationStatus;
  const after = param(url, 'after');
  if (after && (after.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_=-]+$/.test(after)))
    errors.after = t('registry.badCursor');
  else if (after) query.after = after;
  return { query, errors };
}

function errorText(errors: Record<string, string>, field: string): SafeHtml | string {
  return errors[field] ? html`<p class="error" id="${field}-error">${errors[field]}</p>` : '';
}
function invalid(errors: Record<string, string>, field: string): SafeHtml | string {
  return errors[field] ? html` aria-invalid="true" aria-describedby="${field}-error"` : '';
}

function searchForm(
  ctx: PageContext,
  values: Record<string, string | undefined>,
  errors: Record<string, string>,
  rcbs: Array<{ id: string; name: string }>,
): SafeHtml {
  const { t, language } = ctx;
  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}" ${value === selected ? html` selected` : ''}>${label}</option>`;
  return html`<form
    class="search-form"
    method="get"
    action="/registry"
    role="search"
    aria-labelledby="search-heading"
  >
    <h2 id="search-heading">${t('registry.searchHeading')}</h2>
    <div class="fields">
      <div class="field">
        <label for="name">${t('registry.name')}</label>
        ${errorText(errors, 'name')}
        <input
          id="name"
          name="name"
          type="search"
          value="${(values.name ?? '').slice(0, MAX_NAME_LENGTH)}"
          maxlength="${MAX_NAME_LENGTH}"
          ${invalid(errors, 'name')}
        />
      </div>
      <div class="field">
        <label for="country">${t('registry.country')}</label>
        ${errorText(errors, 'country')}
        <select id="country" name="country" ${invalid(errors, 'country')}>
          ${option('', t('registry.any'), values.country)}${countryOptions(language).map((c) => option(c.code, c.name, values.country?.toUpperCase()))}
        </select>
      </div>
      <div class="field">
        <label for="rcb">${t('registry.rcb')}</label>
        ${errorText(errors, 'rcb')}
        <select id="rcb" name="rcb" ${invalid(errors, 'rcb')}>
          ${option('', t('registry.any'), values.rcb)}${rcbs.map((r) => option(r.id, r.name, values.rcb))}
        </select>
      </div>
      <div class="field">
        <label for="status">${t('registry.status')}</label>
        ${errorText(errors, 'status')}
        <select id="status" name="status" ${invalid(errors, 'status')}>
          ${option('', t('registry.any'), values.status)}${CERTIFICATION_STATUSES.map((s) => option(s, t(`registry.${s}`), values.status))}
        </select>
      </div>
    </div>
    <button type="submit">${t('registry.search')}</button>
  </form>`;
}

const statusBadge = (t: Translate, status: string) =>
  html`<span class="status status-${status.toLowerCase()}">${t(`registry.${status}`)}</span>`;

export async function registryPage(ctx: PageContext): Promise<PageResult> {
  const { t, language, url } = ctx;
  const values = {
    name: param(url, 'name'),
    country: param(url, 'country'),
    rcb: param(url, 'rcb'),
    status: param(url, 'status'),
  };
  const { query, errors } = parseRegistryQuery(url, t);
  const intro = html`<h1>${t('registry.title')}</h1>
    <p>${t('registry.lead')}</p>`;
  if (Object.keys(errors).length > 0) {
    // The form is shown again even when the RCB list cannot be read: the mistake is the reader's to fix.
    const rcbs = await ctx.publicRcbs().catch(() => []);
    return {
      kind: 'page',
      status: 400,
      title: t('registry.title'),
      body: html`${intro}
        <div class="error-summary" role="alert">
          <ul>
            ${Object.values(errors).map((e) => html`<li>${e}</li>`)}
          </ul>
        </div>
        ${searchForm(ctx, values, errors, rcbs)}`,
      cache: 'none',
    };
  }
  const rcbs = await ctx.publicRcbs();
  const data = await ctx.gateway.query<SearchResult>(
    SEARCH,
    {
      filter: { name: query.name, country: query.country, rcbId: query.rcb, status: query.status },
      first: PAGE_SIZE,
      after: query.after,
    },
    ctx.requestId,
  );
  const { edges, pageInfo } = data.certifiedOrganizations;
  // One row per certification, as on the scheme's page; a filter on RCB or status narrows the rows too.
  const rows = edges.flatMap(({ node }) =>
    node.certifications
      .filter((c) => (!query.rcb || c.rcb.id === query.rcb) && (!query.status || c.status === query.status))
      .map((c) => ({ organization: node, certification: c })),
  );
  const table =
    rows.length === 0
      ? html`<p class="empty">${t('registry.none')}</p>`
      : html`<table class="results">
          <caption>
            ${t('registry.results')}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t('registry.company')}</th>
              <th scope="col">${t('registry.country')}</th>
              <th scope="col">${t('registry.rcb')}</th>
              <th scope="col">${t('registry.startDate')}</th>
              <th scope="col">${t('registry.expiryDate')}</th>
              <th scope="col">${t('registry.status')}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              ({ organization, certification }) =>
                html`<tr>
                  <td>
                    <a href="/registry/certifications/${certification.id}">${organization.legalName}</a>
                  </td>
                  <td>${countryName(organization.country, language)}</td>
                  <td>${certification.rcbName ?? ''}</td>
                  <td>${formatDate(certification.cycleStart, language)}</td>
                  <td>${formatDate(certification.expiry, language)}</td>
                  <td>${statusBadge(t, certification.status)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`;
  const pager = html`<nav class="pager" aria-label="${t('registry.results')}">
    ${query.after ? html`<a href="${withParams(url, { after: undefined })}">${t('registry.first')}</a>` : ''}
    ${pageInfo.hasNextPage && pageInfo.endCursor ? html`<a rel="next" href="${withParams(url, { after: pageInfo.endCursor })}">${t('registry.next')}</a>` : ''}
  </nav>`;
  return {
    kind: 'page',
    status: 200,
    title: t('registry.title'),
    body: html`${intro}${searchForm(ctx, values, {}, rcbs)}${table}${pager}${organizationVerifyForm(ctx, '')}`,
    cache: 'search',
  };
}

const CERTIFICATION = `query WebCertification($id: ID!) {
  organizationCertification(id: $id) {
    id certificateNumber standard scope originalIssueDate cycleStart expiry status statusReason suspendedOn suspendedUntil rcbName rcbStatus
    sites { scope address { lines city postalCode country } }
    organization { legalName otherNames country address { lines city postalCode country } }
    statusChanges { change status previousStatus effectiveOn }
  }
}`;

interface Address {
  lines: string[];
  city: string;
  postalCode: string | null;
  country: string;
}
interface CertificationData {
  id: string;
  certificateNumber: string;
  standard: string;
  scope: string;
  originalIssueDate: string;
  cycleStart: string;
  expiry: string;
  status: CertificationStatus;
  statusReason: string | null;
  suspendedOn: string | null;
  suspendedUntil: string | null;
  rcbName: string | null;
  rcbStatus: string | null;
  sites: Array<{ scope: string; address: Address }>;
  organization: { legalName: string; otherNames: string[]; country: string; address: Address };
  statusChanges: Array<{
    change: string;
    status: CertificationStatus;
    previousStatus: string | null;
    effectiveOn: string;
  }>;
}

function address(a: Address, language: PageContext['language']): SafeHtml {
  const lines = [
    ...a.lines,
    [a.postalCode, a.city].filter(Boolean).join(' '),
    countryName(a.country, language),
  ];
  return html`<address>${lines.map((line, i) => html`${i > 0 ? html`<br />` : ''}${line}`)}</address>`;
}

/** One certification with its honest status (suspended, withdrawn, expired) and how it got there. */
export async function certificationPage(ctx: PageContext, id: string): Promise<PageResult> {
  const { t, language } = ctx;
  if (!UUID.test(id)) return notFoundPage(ctx, t('errors.certificationNotFound'));
  const data = await ctx.gateway.query<{ organizationCertification: CertificationData | null }>(
    CERTIFICATION,
    { id },
    ctx.requestId,
  );
  const c = data.organizationCertification;
  if (!c) return notFoundPage(ctx, t('errors.certificationNotFound'));
  const title = t('certification.title', { company: c.organization.legalName, number: c.certificateNumber });
  const fact = (label: string, value: SafeHtml | string) =>
    html`<dt>${label}</dt>
      <dd>${value}</dd>`;
  const body = html`<p><a href="/registry">${t('certification.back')}</a></p>
    <h1>${c.organization.legalName}</h1>
    <section
      class="verdict verdict-${c.status.toLowerCase()}"
      aria-labelledby="status-heading"
      data-status="${c.status}"
    >
      <h2 id="status-heading">${t('certification.statusIs', { status: t(`registry.${c.status}`) })}</h2>
      ${
        c.status === 'SUSPENDED' && c.suspendedOn
          ? html`<p>
              ${t('certification.suspendedSince', { date: formatDate(c.suspendedOn, language) })}${
                c.suspendedUntil
                  ? html`,
                    ${t('certification.suspendedUntil', { date: formatDate(c.suspendedUntil, language) })}`
                  : ''
              }.
            </p>`
          : ''
      }
      ${c.statusReason && c.status !== 'CERTIFIED' ? html`<p>${t('certification.reasonIs', { reason: c.statusReason })}</p>` : ''}
      ${
        c.rcbStatus && c.rcbStatus !== 'APPOINTED'
          ? html`<p>
              ${t('certification.rcbStatus', { status: t(`certification.rcbStatuses.${c.rcbStatus}`) })}
            </p>`
          : ''
      }
    </section>
    <dl class="facts">
      ${fact(t('certification.number'), c.certificateNumber)}
      ${fact(t('certification.address'), address(c.organization.address, language))}
      ${fact(t('certification.rcb'), c.rcbName ?? '')}
      ${fact(t('certification.standard'), t(`certification.standards.${c.standard}`))}
      ${fact(t('certification.scope'), c.scope)}
      ${fact(t('certification.originalIssueDate'), formatDate(c.originalIssueDate, language))}
      ${fact(t('certification.cycleStart'), formatDate(c.cycleStart, language))}
      ${fact(t('certification.expiry'), formatDate(c.expiry, language))}
    </dl>
    ${
      c.sites.length > 0
        ? html`<h2>${t('certification.sites')}</h2>
            <ul class="sites">
              ${c.sites.map(
                (s) =>
                  html`<li>
                    ${address(s.address, language)}
                    <p>${s.scope}</p>
                  </li>`,
              )}
            </ul>`
        : ''
    }
    <h2 id="history-heading">${t('certification.history')}</h2>
    ${
      c.statusChanges.length === 0
        ? html`<p>${t('certification.noHistory')}</p>`
        : html`<table class="history" aria-labelledby="history-heading">
            <thead>
              <tr>
                <th scope="col">${t('certification.effectiveOn')}</th>
                <th scope="col">${t('certification.change')}</th>
                <th scope="col">${t('certification.statusAfter')}</th>
              </tr>
            </thead>
            <tbody>
              ${c.statusChanges.map(
                (s) =>
                  html`<tr>
                    <td>${formatDate(s.effectiveOn, language)}</td>
                    <td>${t(`certification.changes.${s.change}`)}</td>
                    <td>${statusBadge(t, s.status)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
  return { kind: 'page', status: 200, title, body, cache: 'live' };
}
