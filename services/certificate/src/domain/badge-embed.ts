/** Ready-to-paste snippets for a claimed badge: HTML for a web page or e-mail signature, a CV link. */
export interface BadgeEmbedInput {
  badgePageUrl: string;
  verificationUrl: string;
  imageUrl: string;
  title: string;
  holderName: string;
  number: string;
}

export interface BadgeEmbeds {
  html: string;
  emailSignatureHtml: string;
  cvLink: string;
  cvText: string;
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function badgeEmbeds(input: BadgeEmbedInput): BadgeEmbeds {
  const alt = escapeHtml(`${input.title} digital badge of ${input.holderName}`);
  const page = escapeHtml(input.badgePageUrl);
  const image = escapeHtml(input.imageUrl);
  return {
    html: `<a href="${page}" target="_blank" rel="noopener"><img src="${image}" alt="${alt}" width="120" height="120"></a>`,
    // Mail clients strip most CSS; a small fixed-size image and a plain link survive.
    emailSignatureHtml: `<a href="${page}"><img src="${image}" alt="${alt}" width="60" height="60" style="border:0"></a> <a href="${page}">${escapeHtml(input.title)}</a>`,
    cvLink: input.verificationUrl,
    cvText: `${input.title}, certificate ${input.number}: verify at ${input.verificationUrl}`,
  };
}
