import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { renderCaseClaimReview, renderClaimReview } from '../src/export/claim-review.js';
import { caseInputOf, hostileInput, smallCase } from './helpers/export-fixtures.js';

describe('ClaimReview export', () => {
  it('reviews the quotation as the claim, with a rating from the comparison and the source as evidence', () => {
    const input = hostileInput();
    const review = JSON.parse(renderClaimReview(input));
    expect(review['@context']).toBe('https://schema.org');
    expect(review['@type']).toBe('ClaimReview');
    expect(review.claimReviewed).toBe(input.quote);
    expect(review.itemReviewed).toMatchObject({ '@type': 'Claim', author: { '@type': 'Person', name: '@quoter <x>' } });
    expect(input.comparison.verdict.rating).toBe('silent-omission');
    expect(review.reviewRating).toEqual({
      '@type': 'Rating',
      ratingValue: 3,
      worstRating: 1,
      bestRating: 7,
      alternateName: 'Silent omission',
      ratingExplanation: input.comparison.verdict.summary,
    });
    expect(review.citation).toMatchObject({ '@type': 'CreativeWork', name: '=cmd| ]]> & Work', url: 'https://example.org/a?b=1&c=<2>' });
    expect(review.citation.text).toContain('which was never true');
    expect(review.reviewBody).toContain('[...]');
    expect(review).not.toHaveProperty('datePublished');
  });

  it('rates a verbatim quotation best and a claim not in the source worst', () => {
    const source = 'It did not approve the plan. Then the members went home.';
    const accurate = JSON.parse(renderClaimReview({ comparison: compare('It did not approve the plan', source), quote: 'It did not approve the plan', source }));
    expect(accurate.reviewRating).toMatchObject({ ratingValue: 7, alternateName: 'Verbatim' });
    const missing = JSON.parse(renderClaimReview({ comparison: compare('Something else entirely here', source), quote: 'Something else entirely here', source }));
    expect(missing.reviewRating).toMatchObject({ ratingValue: 1, alternateName: 'Not found' });
    expect(missing.citation).not.toHaveProperty('text');
  });

  it('reviews every quotation of a case in one graph', () => {
    const graph = JSON.parse(renderCaseClaimReview(caseInputOf(smallCase())))['@graph'];
    expect(graph).toHaveLength(2);
    const input = caseInputOf(smallCase());
    input.items.forEach((item, i) => expect(graph[i].reviewRating.ratingExplanation).toBe(item.comparison.verdict.summary));
    expect(graph[1].reviewRating.alternateName).toBe('Silent omission');
    expect(graph[1].itemReviewed.appearance.url).toBe('https://blog.example/post');
  });
});
