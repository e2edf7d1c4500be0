/** POST /api/compare: the contract's comparison of a posted quotation/source pair. */
import { Router } from 'express';
import { compare } from '../../core/compare.js';
import { checkComparePair } from '../../limits.js';
import { UserError } from '../../errors.js';

export function apiCompareRouter(): Router {
  const router = Router();
  router.post('/api/compare', (req, res) => {
    if (!req.is('application/json')) {
      throw new UserError('Send the pair as JSON: Content-Type: application/json with {"quote": "...", "source": "..."}.');
    }
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new UserError('The body must be a JSON object: {"quote": "...", "source": "..."}.');
    }
    const { quote, source } = body as Record<string, unknown>;
    if (quote === undefined) throw new UserError('The body has no "quote".');
    if (source === undefined) throw new UserError('The body has no "source".');
    checkComparePair(quote, source);
    res.json(compare(quote, source as string));
  });
  return router;
}
