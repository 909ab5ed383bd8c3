import { Resvg } from '@resvg/resvg-js';
import { escapeHtml } from './html';

export const EXAM_CODES = ['FOUNDATION', 'PRACTITIONER', 'AUDITOR'] as const;
export type ExamCode = (typeof EXAM_CODES)[number];
export const isExamCode = (value: unknown): value is ExamCode =>
  typeof value === 'string' && (EXAM_CODES as readonly string[]).includes(value);

/** The address segment of an exam's image: /badge-images/foundation.png (as the certificate service names it). */
export const examSlug = (exam: ExamCode) => exam.toLowerCase();
export const examFromSlug = (slug: string): ExamCode | null => {
  const code = slug.toUpperCase();
  return isExamCode(code) ? code : null;
};

export const BADGE_IMAGE_SIZE = 400;

const LEVELS: Record<ExamCode, { label: string; fill: string; ring: string }> = {
  FOUNDATION: { label: 'FOUNDATION', fill: '#0b4f8a', ring: '#7fb2e5' },
  PRACTITIONER: { label: 'PRACTITIONER', fill: '#5a2d82', ring: '#c3a3e0' },
  AUDITOR: { label: 'AUDITOR', fill: '#7a3a00', ring: '#f0b36b' },
};

/** The badge of one qualification, as SVG: a hexagon in the level's colours with its name. */
export function badgeSvg(exam: ExamCode): string {
  const level = LEVELS[exam];
  const s = BADGE_IMAGE_SIZE;
  const hexagon = (r: number) =>
    Array.from({ length: 6 }, (_, i) => {
      const angle = (Math.PI / 3) * i - Math.PI / 2;
      return `${(s / 2 + r * Math.cos(angle)).toFixed(1)},${(s / 2 + r * Math.sin(angle)).toFixed(1)}`;
    }).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">
  <title>${escapeHtml(`ISO/IEC 20000 ${level.label}`)}</title>
  <polygon points="${hexagon(196)}" fill="${level.ring}"/>
  <polygon points="${hexagon(180)}" fill="${level.fill}"/>
  <polygon points="${hexagon(164)}" fill="none" stroke="#ffffff" stroke-width="3"/>
  <g font-family="DejaVu Sans, Liberation Sans, sans-serif" fill="#ffffff" text-anchor="middle">
    <text x="${s / 2}" y="150" font-size="38" font-weight="bold">ISO/IEC</text>
    <text x="${s / 2}" y="200" font-size="52" font-weight="bold">20000</text>
    <rect x="60" y="222" width="${s - 120}" height="54" rx="6" fill="#ffffff"/>
    <text x="${s / 2}" y="260" font-size="${exam === 'PRACTITIONER' ? 30 : 34}" font-weight="bold" fill="${level.fill}">${escapeHtml(level.label)}</text>
    <text x="${s / 2}" y="312" font-size="20">CERTIFIED</text>
  </g>
</svg>`;
}

const rendered = new Map<ExamCode, Buffer>();

/** The qualification's badge as PNG, rendered once per process. */
export function badgePng(exam: ExamCode): Buffer {
  let png = rendered.get(exam);
  if (!png) {
    const resvg = new Resvg(badgeSvg(exam), {
      fitTo: { mode: 'width', value: BADGE_IMAGE_SIZE },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    });
    png = resvg.render().asPng();
    rendered.set(exam, png);
  }
  return png;
}
