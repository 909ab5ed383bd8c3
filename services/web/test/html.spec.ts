import { escapeHtml, html, safeHttpUrl, trustedHtml } from '../src/html';

describe('html template', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const name = `<script>alert("x")</script> & 'quoted' \`tick\``;
    const out = html`<p title="${name}">${name}</p>`.value;
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; &#96;tick&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; &#96;tick&#96;</p>',
    );
    expect(out).not.toContain('<script>');
  });

  it('nests templates without escaping them twice, and renders lists, numbers and absent values', () => {
    const items = ['a<b', 'c&d'].map((item) => html`<li>${item}</li>`);
    const list = html`${trustedHtml('<ul>')}${items}${trustedHtml('</ul>')}`;
    expect(html`${list}${null}${undefined}${false}${42}`.value).toBe(
      '<ul><li>a&lt;b</li><li>c&amp;d</li></ul>42',
    );
  });

  it('only lets constant markup through trustedHtml, and strings never count as markup', () => {
    expect(html`${trustedHtml('<br>')}${'<br>'}`.value).toBe('<br>&lt;br&gt;');
    expect(escapeHtml('"&')).toBe('&quot;&amp;');
  });

  it('allows only http(s) links from data', () => {
    expect(safeHttpUrl('https://academy.example/courses')).toBe('https://academy.example/courses');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,<b>x</b>')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
    expect(safeHttpUrl(null)).toBeNull();
  });
});
