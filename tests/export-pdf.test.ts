import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { hasChromium, NO_CHROMIUM_MESSAGE, renderPdf } from '../src/export/pdf.js';

describe('PDF through headless Chromium', () => {
  it('answers 501 with a clear message when there is no Chromium', async () => {
    expect(hasChromium('/nonexistent/chromium')).toBe(false);
    const error = await renderPdf('<p>x</p>', '/nonexistent/chromium').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).status).toBe(501);
    expect((error as UserError).message).toBe(NO_CHROMIUM_MESSAGE);
    expect(NO_CHROMIUM_MESSAGE).toMatch(/no Chromium.*Print → Save as PDF/);
  });

  it('prints HTML to a PDF without fetching anything', async () => {
    const pdf = await renderPdf(
      '<!DOCTYPE html><html><head><style>p{color:red}</style></head><body><p>Hello</p><img src="http://127.0.0.1:9/x.png"></body></html>',
    );
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(1000);
  });
});
