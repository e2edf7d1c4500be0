/**
 * Hostile input for the XSS suites (tests/xss.test.ts, tests/xss-browser.test.ts): a
 * case whose every field a user types carries markup, event handlers, script URLs in
 * Markdown, bidi overrides and spreadsheet formulas — and is still a valid case, so it
 * reaches every page and export.
 */
import type { CaseInput } from '../../src/cases/types.js';

const RLO = '\u202e';
const PDF = '\u202c';
const RLI = '\u2067';

export const PAYLOADS = {
  /** strings that would be live markup if they reached a page unescaped */
  markup: [
    '<script>alert("title")</script>',
    '<script>alert("source")</script>',
    '<img src=x onerror=alert("img")>',
    '"><svg onload=alert("svg")>',
    "'><iframe src=javascript:alert('iframe')>",
    '</textarea><script>alert("textarea")</script>',
    '<a href="javascript:alert(\'a\')">',
    '<b onmouseover=alert("b")>',
    '<style>body{display:none}</style>',
  ],
};

/** URLs that must never become a link: script schemes in their many spellings. */
export const HOSTILE_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'javascript&colon;alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
];

export const EXPORT_FORMATS = ['html', 'md', 'json', 'tei', 'jsonld', 'csv', 'claimreview', 'restored'] as const;

/** A fresh copy each call, so tests may change fields. */
export function hostileCase(): CaseInput & { source: { citation: Record<string, string | undefined> } } {
  const [title, source, img, svg, iframe, textarea, link, bold, style] = PAYLOADS.markup;
  const sourceText = [
    `The committee met. ${source} Stalin said he would resign ${img} but the congress refused.`,
    `${RLO}He wrote this backwards${PDF} and then ${RLO}did not close it.`,
    `=HYPERLINK("http://evil.example","click") ${svg} and ${iframe} closed the ${textarea} session.`,
    `A final sentence with ${link} and ${bold} and ${style} in it.`,
  ].join('\n\n');
  return {
    title: `${title} ${RLO}evil title ${img}`,
    source: {
      text: sourceText,
      citation: {
        author: `${bold}Mallory${RLO}`,
        work: `${svg} The Work`,
        container: iframe,
        year: '=1+1',
        publisher: '@SUM(A1)',
        place: `${RLI}Place`,
        page: '+12',
        url: 'https://example.org/"><script>alert("url")</script>?a=1&b=<2>',
        note: textarea,
      },
    },
    quotations: [
      {
        text: `Stalin said he would resign ${img} … the congress refused. ${RLO}He wrote this`,
        quotedBy: {
          author: `${title}Quoter`,
          work: `${RLO}Blog`,
          date: '-2024',
          url: 'https://example.org/quoted?x="><img src=x onerror=alert(1)>',
          page: style,
        },
        note: `${link}a note${RLO}`,
      },
      {
        text: `${svg} and ${iframe} closed the [${bold}] session`,
        quotedBy: { author: `=HYPERLINK("http://evil.example")` },
      },
    ],
    notes: [
      `Notes with raw HTML: ${title} ${img} <div onclick="alert('div')">div</div>`,
      '',
      '[a javascript link](javascript:alert("md")) and [a data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '',
      '![an image](javascript:alert("mdimg")) <https://example.org/"onmouseover="alert(1)>',
      '',
      `${RLO}reversed notes`,
    ].join('\n'),
    tags: [`${title}`, `${RLO}tag`, '"><img src=x>'],
    questions: [`Why ${img}?`, `[q](javascript:alert("question")) ${RLO}`],
    teacherNotes: `Teacher ${title} [t](javascript:alert("teacher")) ${style}`,
  };
}
