import { isExamCode, EXAM_CODES } from '../badge-image';
import { html, safeHttpUrl, type SafeHtml } from '../html';
import { countryName, countryOptions, formatDate, isCountryCode, languageName } from '../i18n';
import { param, type PageContext, type PageResult } from './context';
import { withParams } from './layout';

export const DELIVERY_MODES = ['CLASSROOM', 'VIRTUAL', 'SELF_STUDY'] as const;
const PAGE_SIZE = 20;
const MAX_CURSOR_LENGTH = 1000;

export const COURSE_EXAM_LEVELS = `{ courseExamLevels { examCode name languages } }`;
const PROVIDERS = `query WebProviders($filter: TrainingProviderFilter, $first: Int, $after: String) {
  trainingProviders(filter: $filter, first: $first, after: $after) {
    edges {
      node { id name country website examLevels languages deliveryModes }
      matchingCourses { id examCode language country deliveryMode startsOn endsOn examIncluded }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface CourseExamLevel {
  examCode: string;
  name: string;
  languages: string[];
}

interface ProvidersResult {
  trainingProviders: {
    edges: Array<{
      node: {
        id: string;
        name: string;
        country: string;
        website: string | null;
        examLevels: string[];
        languages: string[];
        deliveryModes: string[];
      };
      matchingCourses: Array<{
        id: string;
        examCode: string;
        language: string;
        country: string;
        deliveryMode: string;
        startsOn: string | null;
        endsOn: string | null;
        examIncluded: boolean;
      }>;
    }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export async function providersPage(ctx: PageContext): Promise<PageResult> {
  const { t, language, url } = ctx;
  const levels = await ctx.examLevels();
  const languages = [...new Set(levels.flatMap((l) => l.languages))].sort();
  const values = {
    exam: param(url, 'exam'),
    country: param(url, 'country')?.toUpperCase(),
    language: param(url, 'language'),
    mode: param(url, 'mode'),
    after: param(url, 'after'),
  };
  const errors: Record<string, string> = {};
  if (values.exam && !isExamCode(values.exam)) errors.exam = t('providers.badExam');
  if (values.country && !isCountryCode(values.country)) errors.country = t('providers.badCountry');
  if (values.language && !languages.includes(values.language)) errors.language = t('providers.badLanguage');
  if (values.mode && !(DELIVERY_MODES as readonly string[]).includes(values.mode))
    errors.mode = t('providers.badMode');
  if (values.after && (values.after.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_=-]+$/.test(values.after)))
    errors.after = t('providers.badCursor');

  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}" ${value === selected ? html` selected` : ''}>${label}</option>`;
  const field = (name: string, label: string, options: SafeHtml[]) =>
    html`<div class="field">
      <label for="${name}">${label}</label>
      ${errors[name] ? html`<p class="error" id="${name}-error">${errors[name]}</p>` : ''}
      <select
        id="${name}"
        name="${name}"
        ${errors[name] ? html` aria-invalid="true" aria-describedby="${name}-error"` : ''}
      >
        ${option('', t('providers.any'), undefined)}${options}
      </select>
    </div>`;
  const form = html`<form
    class="search-form"
    method="get"
    action="/training-providers"
    role="search"
    aria-label="${t('providers.title')}"
  >
    <div class="fields">
      ${field(
        'exam',
        t('providers.exam'),
        EXAM_CODES.map((code) => option(code, t(`exams.${code}`), values.exam)),
      )}
      ${field(
        'country',
        t('providers.country'),
        countryOptions(language).map((c) => option(c.code, c.name, values.country)),
      )}
      ${field(
        'language',
        t('providers.language'),
        languages.map((tag) => option(tag, languageName(tag, language), values.language)),
      )}
      ${field(
        'mode',
        t('providers.mode'),
        DELIVERY_MODES.map((mode) => option(mode, t(`providers.modes.${mode}`), values.mode)),
      )}
    </div>
    <button type="submit">${t('providers.search')}</button>
  </form>`;
  const intro = html`<h1>${t('providers.title')}</h1>
    <p>${t('providers.lead')}</p>`;
  if (Object.keys(errors).length > 0) {
    return {
      kind: 'page',
      status: 400,
      title: t('providers.title'),
      body: html`${intro}
        <div class="error-summary" role="alert">
          <ul>
            ${Object.values(errors).map((e) => html`<li>${e}</li>`)}
          </ul>
        </div>
        ${form}`,
      cache: 'none',
    };
  }
  const data = await ctx.gateway.query<ProvidersResult>(
    PROVIDERS,
    {
      filter: {
        examCode: values.exam,
        country: values.country,
        language: values.language,
        deliveryMode: values.mode,
      },
      first: PAGE_SIZE,
      after: values.after,
    },
    ctx.requestId,
  );
  const { edges, pageInfo } = data.trainingProviders;
  const list =
    edges.length === 0
      ? html`<p class="empty">${t('providers.none')}</p>`
      : html`<ul class="providers">
          ${edges.map(({ node, matchingCourses }) => {
            const website = safeHttpUrl(node.website);
            return html`<li class="provider">
              <h3>${node.name}</h3>
              <p>
                ${countryName(node.country, language)}${website ? html` · <a href="${website}" rel="noopener noreferrer">${t('providers.website')}<span class="visually-hidden">: ${node.name}</span></a>` : ''}
              </p>
              <p>
                ${t('providers.offers', {
                  offer: [
                    node.examLevels.map((e) => t(`exams.${e}`)).join(', '),
                    node.languages.map((l) => languageName(l, language)).join(', '),
                    node.deliveryModes.map((m) => t(`providers.modes.${m}`)).join(', '),
                  ].join('; '),
                })}
              </p>
              ${
                matchingCourses.length === 0
                  ? html`<p>${t('providers.noCourses')}</p>`
                  : html`<h4>${t('providers.courses')}</h4>
                      <ul class="courses">
                        ${matchingCourses.map(
                          (c) =>
                            html`<li>
                              ${t('providers.course', {
                                exam: t(`exams.${c.examCode}`),
                                language: languageName(c.language, language),
                                mode: t(`providers.modes.${c.deliveryMode}`),
                                country: countryName(c.country, language),
                              })}${
                                c.startsOn
                                  ? html`:
                                    ${t('providers.dates', { from: formatDate(c.startsOn, language), to: formatDate(c.endsOn ?? c.startsOn, language) })}`
                                  : ''
                              }${c.examIncluded ? html` (${t('providers.examIncluded')})` : ''}
                            </li>`,
                        )}
                      </ul>`
              }
            </li>`;
          })}
        </ul>`;
  const pager = html`<nav class="pager" aria-label="${t('providers.results')}">
    ${values.after ? html`<a href="${withParams(url, { after: undefined })}">${t('providers.first')}</a>` : ''}
    ${pageInfo.hasNextPage && pageInfo.endCursor ? html`<a rel="next" href="${withParams(url, { after: pageInfo.endCursor })}">${t('providers.next')}</a>` : ''}
  </nav>`;
  return {
    kind: 'page',
    status: 200,
    title: t('providers.title'),
    body: html`${intro}${form}
      <h2>${t('providers.results')}</h2>
      ${list}${pager}`,
    cache: 'search',
  };
}
