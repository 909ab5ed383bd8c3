import { bakeCredential } from '../baked-png';
import { badgePng, BADGE_IMAGE_SIZE, examSlug, isExamCode, type ExamCode } from '../badge-image';
import { checkCredential, type CredentialCheck } from '../credential-check';
import { html } from '../html';
import { formatDate, formatDateTime } from '../i18n';
import { linkedInAddToProfileUrl } from '../linkedin';
import type { PageContext, PageResult } from './context';
import { notFoundPage, goneRevokedPage } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const BADGE_PAGE = `query WebBadgePage($id: ID!) {
  certificateBadge(id: $id) {
    id
    pageUrl
    credentialJwt
    verification { status number holderName examCode examTitle issuedOn revokedOn }
    embeds { html emailSignatureHtml cvLink cvText }
  }
}`;

export interface BadgePageData {
  id: string;
  pageUrl: string;
  credentialJwt: string | null;
  verification: {
    status: 'VALID' | 'REVOKED' | 'NOT_FOUND' | 'INVALID_NUMBER';
    number: string;
    holderName: string | null;
    examCode: string | null;
    examTitle: string | null;
    issuedOn: string | null;
    revokedOn: string | null;
  };
  embeds: { html: string; emailSignatureHtml: string; cvLink: string; cvText: string };
}

/** The badge by the id in its address; null for an id that is not one (never asked of the gateway). */
export async function loadBadge(ctx: PageContext, id: string): Promise<BadgePageData | null> {
  if (!UUID.test(id)) return null;
  const data = await ctx.gateway.query<{ certificateBadge: BadgePageData | null }>(
    BADGE_PAGE,
    { id },
    ctx.requestId,
  );
  return data.certificateBadge;
}

const examOf = (badge: BadgePageData): ExamCode | null =>
  isExamCode(badge.verification.examCode) ? badge.verification.examCode : null;

export async function badgePage(ctx: PageContext, id: string): Promise<PageResult> {
  const { t, language, config } = ctx;
  const badge = await loadBadge(ctx, id);
  const exam = badge && examOf(badge);
  if (!badge || !exam) return notFoundPage(ctx, t('errors.badgeNotFound'));
  const v = badge.verification;
  const checkedAt = new Date();
  const check: CredentialCheck | null = badge.credentialJwt
    ? await checkCredential(badge.credentialJwt, (fresh) => ctx.issuerKeys(fresh))
    : null;
  const valid = v.status === 'VALID';
  const examTitle = v.examTitle ?? t(`exams.${exam}`);
  const holder = v.holderName ?? '';
  const issuer = (check?.verified ? check.issuerName : null) ?? config.WEB_ISSUER_NAME;
  const imagePath = `/badge-images/${examSlug(exam)}.png`;
  const imageUrl = `${config.publicBaseUrl}${imagePath}`;
  const imageAlt = t('badge.imageAlt', { exam: examTitle });
  const title = t('badge.title', { exam: examTitle, holder });
  const description = valid
    ? t('badge.ogDescription', { holder, exam: examTitle, number: v.number, issuer })
    : t('badge.ogRevoked', { exam: examTitle, number: v.number });
  const base = `/badges/${badge.id}`;
  const linkedIn =
    valid && v.issuedOn
      ? linkedInAddToProfileUrl({
          name: examTitle,
          organizationName: issuer,
          organizationId: config.WEB_LINKEDIN_ORGANIZATION_ID,
          issuedOn: v.issuedOn,
          certUrl: badge.pageUrl,
          certId: v.number,
        })
      : null;

  const head = html`<meta name="description" content="${description}" />
    <link rel="canonical" href="${badge.pageUrl}" />
    <meta property="og:type" content="website" />
    <meta property="og:site_name" content="${t('site.name')}" />
    <meta property="og:title" content="${title}" />
    <meta property="og:description" content="${description}" />
    <meta property="og:url" content="${badge.pageUrl}" />
    <meta property="og:image" content="${imageUrl}" />
    <meta property="og:image:type" content="image/png" />
    <meta property="og:image:width" content="${BADGE_IMAGE_SIZE}" />
    <meta property="og:image:height" content="${BADGE_IMAGE_SIZE}" />
    <meta property="og:image:alt" content="${imageAlt}" />
    <meta property="og:locale" content="${language === 'fr' ? 'fr_FR' : 'en_GB'}" />
    <meta name="twitter:card" content="summary" />
    <meta name="twitter:title" content="${title}" />
    <meta name="twitter:description" content="${description}" />
    <meta name="twitter:image" content="${imageUrl}" />
    <meta name="twitter:image:alt" content="${imageAlt}" />`;

  const status = valid
    ? html`<span class="status status-valid" data-status="VALID">${t('badge.valid')}</span>`
    : html`<span class="status status-revoked" data-status="REVOKED"
        >${
          v.revokedOn
            ? t('badge.revoked', { date: formatDate(v.revokedOn, language) })
            : t('badge.revokedPlain')
        }</span
      >`;

  const body = html`<article class="badge" aria-labelledby="badge-title">
    <p class="eyebrow">${t('badge.heading')}</p>
    <h1 id="badge-title">${examTitle}</h1>
    <div class="badge-summary">
      <img src="${imagePath}" alt="${imageAlt}" width="200" height="200" />
      <dl class="facts">
        <dt>${t('badge.holder')}</dt>
        <dd class="holder">${holder}</dd>
        <dt>${t('badge.qualification')}</dt>
        <dd>${examTitle}</dd>
        <dt>${t('badge.issuedOn')}</dt>
        <dd>${v.issuedOn ? formatDate(v.issuedOn, language) : ''}</dd>
        <dt>${t('badge.issuer')}</dt>
        <dd>${issuer}</dd>
        <dt>${t('badge.number')}</dt>
        <dd>${v.number}</dd>
        <dt>${t('badge.status')}</dt>
        <dd>${status}</dd>
      </dl>
    </div>
    <section aria-labelledby="how-verified">
      <h2 id="how-verified">${t('badge.howVerified')}</h2>
      ${
        check?.verified
          ? html`<p data-signature="verified">${t('badge.verifiedSignature', { issuer, kid: check.kid })}</p>`
          : check
            ? html`<p class="warning" data-signature="failed">${t('badge.unverifiedSignature')}</p>`
            : html`<p>${t('badge.revokedExplained')}</p>`
      }
      <p>${t('badge.liveStatus', { when: formatDateTime(checkedAt, language) })}</p>
      <p>
        <a class="verify-link" href="/verify/${encodeURIComponent(v.number)}"
          >${t('badge.verifyLink', { number: v.number })}</a
        >
      </p>
    </section>
    ${
      valid && badge.credentialJwt
        ? html`<section aria-labelledby="download">
              <h2 id="download">${t('badge.download')}</h2>
              <ul>
                <li><a href="${base}/credential.jwt" download>${t('badge.downloadCredential')}</a></li>
                <li><a href="${base}/badge.png" download>${t('badge.downloadImage')}</a></li>
              </ul>
            </section>
            <section aria-labelledby="share">
              <h2 id="share">${t('badge.share')}</h2>
              ${linkedIn ? html`<p><a class="linkedin" href="${linkedIn}" rel="noopener noreferrer">${t('badge.linkedIn')}</a></p>` : ''}
            </section>
            <section aria-labelledby="embed">
              <h2 id="embed">${t('badge.embed')}</h2>
              <div class="field">
                <label for="embed-html">${t('badge.embedHtml')}</label>
                <textarea id="embed-html" readonly rows="4">${badge.embeds.html}</textarea>
              </div>
              <div class="field">
                <label for="embed-email">${t('badge.embedEmail')}</label>
                <textarea id="embed-email" readonly rows="4">${badge.embeds.emailSignatureHtml}</textarea>
              </div>
              <div class="field">
                <label for="embed-cv">${t('badge.embedCv')}</label>
                <textarea id="embed-cv" readonly rows="2">${badge.embeds.cvText}</textarea>
              </div>
            </section>`
        : ''
    }
  </article>`;
  return { kind: 'page', status: 200, title, head, body, cache: 'live' };
}

export async function badgeCredentialDownload(ctx: PageContext, id: string): Promise<PageResult> {
  const badge = await loadBadge(ctx, id);
  if (!badge) return notFoundPage(ctx, ctx.t('errors.badgeNotFound'));
  if (!badge.credentialJwt) return goneRevokedPage(ctx);
  return {
    kind: 'file',
    status: 200,
    contentType: 'application/vc+jwt',
    body: badge.credentialJwt,
    cache: 'live',
    filename: `certificate-${badge.verification.number}.jwt`,
  };
}

export async function bakedBadgeImage(ctx: PageContext, id: string): Promise<PageResult> {
  const badge = await loadBadge(ctx, id);
  const exam = badge && examOf(badge);
  if (!badge || !exam) return notFoundPage(ctx, ctx.t('errors.badgeNotFound'));
  if (!badge.credentialJwt) return goneRevokedPage(ctx);
  return {
    kind: 'file',
    status: 200,
    contentType: 'image/png',
    body: bakeCredential(badgePng(exam), badge.credentialJwt),
    cache: 'live',
    filename: `badge-${badge.verification.number}.png`,
  };
}
