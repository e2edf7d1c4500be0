/** POST /api/compare: the contract's comparison of a posted quotation/source pair. */
import { Router } from 'express';
import { checkComparePair } from '../../limits.js';
import { UserError } from '../../errors.js';
import { parseWhereMap } from '../../import/describe.js';
import { withWhere } from '../../import/where.js';
import { ROUTER_OPTIONS, type RouteDeps } from '../route-deps.js';
import { jobContext } from '../request-signal.js';

export function apiCompareRouter({ pool, guards }: RouteDeps): Router {
  const router = Router(ROUTER_OPTIONS);
  router.post('/api/compare', guards.limitRate, async (req, res) => {
    if (!req.is('application/json')) {
      throw new UserError('Send the pair as JSON: Content-Type: application/json with {"quote": "...", "source": "..."}.');
    }
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new UserError('The body must be a JSON object: {"quote": "...", "source": "..."}.');
    }
    const { quote, source, where } = body as Record<string, unknown>;
    if (quote === undefined) throw new UserError('The body has no "quote".');
    if (source === undefined) throw new UserError('The body has no "source".');
    checkComparePair(quote, source);
    // an imported source's map (from POST /api/sources) puts "where": {"page": 74} on the comparison
    const map = where === undefined ? undefined : parseWhereMap(JSON.stringify(where));
    if (where !== undefined && !map) throw new UserError('"where" must be the map POST /api/sources gives: [{"start": 0, "page": 1}, ...].');
    // in a worker, within the time budget and the client's share: a pathological pair cannot stall the server
    res.json(withWhere(await pool.compare(quote, source as string, {}, jobContext(req)), map));
  });
  return router;
}
