/**
 * Teaching mode: the student's exercise, revealed step by step, and the printable sheets.
 *
 *   GET /cases/:slug/exercise[?quotation=N&step=S&projector=1]
 *       step 1 (the first page): the quotation as printed and who printed it, with prompts
 *       and answer boxes (kept in the browser's localStorage by public/exercise.js) —
 *       no word of the source in the HTML; step 2 fills in the marked omissions; step 3
 *       the silent ones, the insertions and the alterations; step 4 the context before
 *       and after, with the cues; step 5 (cases with several quotations) the debate view.
 *       Each step's HTML holds only what has been revealed so far, so the steps work as
 *       plain links without JavaScript.
 *   GET /cases/:slug/teacher    notes, questions, teacher's notes, every comparison
 *   GET /cases/:slug/worksheet  the quotations, the prompts, space to write (no source)
 *   GET /cases/:slug/answers    what the students should find, quotation by quotation
 *
 * Deliberately not here: any comparing (the compare pool, through src/web/case-comparisons.ts), the case page and its
 * teacher's panel (routes/pages.ts), storing answers (they never reach the server).
 */
import { Router } from 'express';
import MarkdownIt from 'markdown-it';
import type { Comparison, Cue, Segment } from '../../core/types.js';
import type { Case, Citation } from '../../cases/types.js';
import { UserError } from '../../errors.js';
import { ROUTER_OPTIONS, type RouteDeps } from '../route-deps.js';
import { caseCompareOptions, compareCase } from '../case-comparisons.js';
import { jobContext } from '../request-signal.js';
import { buildComparisonView, buildDebateView } from '../comparison-view.js';
import {
  changeGroups,
  contextOf,
  countPhrase,
  countsLine,
  presentVerdict,
  quotationLabel,
  quotedByLine,
  readThrough,
  type ChangeGroup,
  type ReadThroughPiece,
  type VerdictView,
} from '../../present/index.js';

const markdown = new MarkdownIt({ html: false, linkify: true });

/** The questions every exercise asks, whatever the case; ids key the answers in localStorage. */
export const PROMPTS = [
  { id: 'claim', question: "What is the quoter's claim? What does the quotation make its author say?" },
  { id: 'gaps', question: 'What might stand in the gaps? Where could words be missing, and what might they say?' },
  { id: 'check', question: 'What would you need to check before you trust this quotation?' },
] as const;

export type StepId = 'quotation' | 'marked' | 'silent' | 'context' | 'debate';

export interface Step {
  id: StepId;
  /** 1-based, as in ?step= */
  number: number;
  title: string;
  intro: string;
}

const STEP_TEXTS: Record<StepId, { title: string; intro: string }> = {
  quotation: {
    title: 'The quotation',
    intro: 'Read the quotation as it was printed. Before you see anything else, answer the questions below.',
  },
  marked: {
    title: 'What the ellipses hide',
    intro: 'Where the quotation shows an ellipsis, here are the words it stands for. Were your guesses right?',
  },
  silent: {
    title: 'What changed without a mark',
    intro: 'Words left out with no ellipsis, words added, and words changed. None of these was visible in the quotation.',
  },
  context: {
    title: 'Before and after',
    intro: 'The source around the quotation, and what a teacher would point at. Does the context change what the quoted words mean?',
  },
  debate: {
    title: 'All the quotations together',
    intro: 'Everyone who quoted this source, side by side: what each kept and what each left out.',
  },
};

/** The steps of a case's exercise: four, and a fifth when it has several quotations. */
export function stepsFor(quotationCount: number): Step[] {
  const ids: StepId[] = ['quotation', 'marked', 'silent', 'context'];
  if (quotationCount > 1) ids.push('debate');
  return ids.map((id, i) => ({ id, number: i + 1, ...STEP_TEXTS[id] }));
}

/** A piece of the revealed reading of one quotation. Every text is plain (the view escapes it). */
export interface ReadingPiece {
  kind: 'kept' | 'plain' | 'cut-marked' | 'cut-paraphrased' | 'cut-silent' | 'inserted-editorial' | 'inserted' | 'altered' | 'context'
    /** a quotation in pieces: the writer's own words around the quoted pieces, as printed (not quoted) */
    | 'paraphrase';
  text: string;
  /** for 'altered': the source's words */
  sourceText?: string;
}

/** Which step first shows what a piece of the reading hides: marked cuts at 2, the other changes at 3, context at 4. */
function revealStepOf(piece: ReadThroughPiece): number {
  switch (piece.kind) {
    case 'cut':
      return piece.marked ? 2 : 3;
    case 'insertion':
    case 'alteration':
      return 3;
    case 'context-before':
    case 'context-after':
      return 4;
    case 'gap':
      // source words between segments are unrevealed source until the context is shown
      return piece.words ? 4 : 1;
    case 'match':
    case 'paraphrase':
      return 1;
  }
}

/** A cue is shown from the step that reveals what it talks about. */
export function cueRevealStep(cue: Cue, segments: Segment[]): number {
  const segment = cue.segment !== undefined ? segments[cue.segment] : undefined;
  if (segment?.kind === 'omission') return segment.marked ? 2 : 3;
  return 4;
}

/**
 * The passage as the student sees it at `step` (2 or later): the passage read through
 * (src/present's readThrough, as the CLI prints it), with what that step reveals filled
 * in and marked. Before its step, a silent omission is simply absent (as in the
 * quotation) and an insertion or alteration reads as printed, so the HTML holds no text
 * the student has not been shown yet.
 */
export function buildReading(comparison: Comparison, quote: string, source: string, step: number): ReadingPiece[] {
  const pieces: ReadingPiece[] = [];
  for (const piece of readThrough({ comparison, quote, source })) {
    const revealed = step >= revealStepOf(piece);
    switch (piece.kind) {
      case 'gap':
        if (revealed) pieces.push({ kind: 'plain', text: piece.text });
        break;
      case 'context-before':
      case 'context-after':
        if (revealed) pieces.push({ kind: 'context', text: piece.text });
        break;
      case 'match':
        pieces.push({ kind: 'kept', text: piece.text });
        break;
      case 'paraphrase':
        // the quotation's own words, from step 2 on, set apart as the writer's
        pieces.push({ kind: 'plain', text: ' ' }, { kind: 'paraphrase', text: piece.text }, { kind: 'plain', text: ' ' });
        break;
      case 'cut':
        // a page header or number the source's OCR left in is no omission (no count has it)
        if (piece.pageFurniture) break;
        if (revealed) pieces.push({ kind: piece.paraphrased ? 'cut-paraphrased' : piece.marked ? 'cut-marked' : 'cut-silent', text: piece.text });
        else if (piece.marked && !piece.paraphrased) pieces.push({ kind: 'plain', text: ' … ' });
        // An unrevealed silent cut leaves no trace, exactly as in the quotation.
        break;
      case 'insertion':
        pieces.push(revealed ? { kind: piece.editorial ? 'inserted-editorial' : 'inserted', text: piece.text } : { kind: 'kept', text: piece.text });
        break;
      case 'alteration':
        // a bracketed capital is no change: it reads as printed
        pieces.push(revealed && !piece.caseOnly ? { kind: 'altered', text: piece.text, sourceText: piece.sourceText } : { kind: 'kept', text: piece.text });
        break;
    }
  }
  return pieces;
}

export interface Findings {
  /** every kind of change the counts name, each with its list (src/present's changeGroups) */
  groups: ChangeGroup[];
  /** a quotation in pieces: the writer's own words around its quoted pieces */
  paraphrase: string[];
  contextBefore: string;
  contextAfter: string;
}

/** Everything a comparison finds, as lists of texts, for the answer sheet. */
export function listFindings(comparison: Comparison, quote: string, source: string): Findings {
  const pieces = readThrough({ comparison, quote, source });
  const context = contextOf(pieces);
  const paraphrase = (comparison.paraphrase ?? []).map((span) => quote.slice(span.start, span.end));
  return { groups: changeGroups(pieces), paraphrase, contextBefore: context.before, contextAfter: context.after };
}

/** What step 2 fills in, counted: the marked omissions, and the cuts between quoted pieces of a quotation in pieces. */
function markedCounts(comparison: Comparison): string {
  const between = comparison.stats.paraphrasedOmissions ?? 0;
  return `${countPhrase(comparison, 'markedOmissions')}${between > 0 ? ` and ${countPhrase(comparison, 'paraphrasedOmissions')}` : ''} filled in.`;
}

export function exerciseRouter({ store, pool }: RouteDeps): Router {
  const router = Router(ROUTER_OPTIONS);

  async function caseOf(slug: string): Promise<Case> {
    const kase = await store.get(slug);
    if (!kase) throw new UserError(`There is no case called “${slug}”.`, 404);
    if (kase.quotations.length === 0) throw new UserError(`The case “${slug}” has no quotation to work on yet.`, 404);
    return kase;
  }

  router.get('/cases/:slug/exercise', async (req, res) => {
    const kase = await caseOf(req.params.slug);
    const steps = stepsFor(kase.quotations.length);
    const quotationIndex = readIndex(req.query.quotation, 'quotation', kase.quotations.length, 0);
    const stepNumber = readIndex(req.query.step, 'step', steps.length + 1, 1, 1);
    const projector = req.query.projector === '1';
    const step = steps[stepNumber - 1] as Step;
    const quotation = kase.quotations[quotationIndex] as Case['quotations'][number];
    const source = kase.source.text;
    const slugPath = `/cases/${encodeURIComponent(kase.slug)}`;
    const linkTo = (options: { step?: number; quotation?: number; projector?: boolean }): string => {
      const query = new URLSearchParams();
      const q = options.quotation ?? quotationIndex;
      if (q !== 0) query.set('quotation', String(q));
      const s = options.step ?? stepNumber;
      if (s !== 1) query.set('step', String(s));
      if (options.projector ?? projector) query.set('projector', '1');
      const text = query.toString();
      return `${slugPath}/exercise${text ? `?${text}` : ''}`;
    };

    // Nothing derived from the source is computed for the first page, so none can leak into it.
    let reveal:
      | {
          pieces: ReadingPiece[];
          cues: Cue[];
          found: boolean;
          /** what this step reveals, counted: at step 2 the marked omissions only */
          counts: string;
          /** the engine's verdict, shown on the last step only, once everything is revealed */
          verdict?: VerdictView;
          debate?: ReturnType<typeof buildDebateView>;
        }
      | { overBudget: string }
      | undefined;
    // the whole case at once, in the pool within its budgets, as the case's page compares it
    const result = stepNumber > 1 ? await compareCase(pool, kase, caseCompareOptions(), jobContext(req)) : undefined;
    if (result && !result.ok) reveal = { overBudget: result.reason };
    else if (result) {
      const comparisons = result.comparisons;
      const comparison = comparisons[quotationIndex]!;
      const pieces = buildReading(comparison, quotation.text, source, Math.min(stepNumber, 4));
      const cues = comparison.cues.filter((cue) => cueRevealStep(cue, comparison.segments) <= stepNumber);
      reveal = {
        pieces,
        cues,
        found: comparison.found,
        counts: step.id === 'marked' ? markedCounts(comparison) : countsLine(comparison),
        verdict: stepNumber === steps.length ? presentVerdict(comparison) : undefined,
        debate: step.id === 'debate' ? buildDebateView(kase.quotations.map((q, i) => ({ quote: q.text, comparison: comparisons[i]! })), source) : undefined,
      };
    }

    res.render('exercise/exercise', {
      title: `Exercise: ${kase.title}`,
      mainClass: projector ? 'exercise projector' : 'exercise',
      kase: { slug: kase.slug, title: kase.title, quotationCount: kase.quotations.length },
      slugPath,
      attributedTo: formatAttribution(kase.source.citation),
      quotation: { text: quotation.text, printedBy: quotedByLine(quotation.quotedBy), index: quotationIndex, lang: kase.source.citation.language },
      quotationLabels: kase.quotations.map((q, i) => quotationLabel(q.quotedBy, i)),
      steps,
      step,
      prompts: PROMPTS,
      storagePrefix: `elision:exercise:${kase.slug}:${quotationIndex}:`,
      projector,
      links: {
        previous: stepNumber > 1 ? linkTo({ step: stepNumber - 1 }) : undefined,
        next: stepNumber < steps.length ? linkTo({ step: stepNumber + 1 }) : undefined,
        projectorToggle: linkTo({ projector: !projector }),
        stepLinks: steps.map((s) => linkTo({ step: s.number })),
        quotationLinks: kase.quotations.map((_q, i) => linkTo({ quotation: i, step: 1 })),
      },
      reveal,
    });
  });

  router.get('/cases/:slug/teacher', async (req, res) => {
    const kase = await caseOf(req.params.slug);
    const source = kase.source.text;
    const result = await compareCase(pool, kase, caseCompareOptions(), jobContext(req));
    // over budget: each quotation's text, and the sentence saying why there is no comparison
    const entries = kase.quotations.map((quotation, i) => ({
      quotation,
      label: quotationLabel(quotation.quotedBy, i),
      printedBy: quotedByLine(quotation.quotedBy),
      view: result.ok ? buildComparisonView(result.comparisons[i]!, quotation.text, source, { idPrefix: `q${i}-` }) : undefined,
    }));
    res.render('exercise/teacher', {
      title: `Teacher's sheet: ${kase.title}`,
      mainClass: 'wide sheet',
      kase,
      slugPath: `/cases/${encodeURIComponent(kase.slug)}`,
      citation: formatAttribution(kase.source.citation),
      notesHtml: kase.notes ? markdown.render(kase.notes) : '',
      teacherNotesHtml: kase.teacherNotes ? markdown.render(kase.teacherNotes) : '',
      entries,
      overBudget: result.ok ? undefined : result.reason,
    });
  });

  router.get('/cases/:slug/worksheet', async (req, res) => {
    const kase = await caseOf(req.params.slug);
    res.render('exercise/worksheet', {
      title: `Worksheet: ${kase.title}`,
      mainClass: 'sheet',
      kase: { slug: kase.slug, title: kase.title },
      slugPath: `/cases/${encodeURIComponent(kase.slug)}`,
      attributedTo: formatAttribution(kase.source.citation),
      quotations: kase.quotations.map((q, i) => ({ text: q.text, printedBy: quotedByLine(q.quotedBy), label: quotationLabel(q.quotedBy, i) })),
      lang: kase.source.citation.language,
      prompts: PROMPTS,
    });
  });

  router.get('/cases/:slug/answers', async (req, res) => {
    const kase = await caseOf(req.params.slug);
    const source = kase.source.text;
    const result = await compareCase(pool, kase, caseCompareOptions(), jobContext(req));
    const comparisons = result.ok ? result.comparisons : [];
    const entries = comparisons.map((comparison, i) => {
      const quotation = kase.quotations[i]!;
      return {
        label: quotationLabel(quotation.quotedBy, i),
        quotation,
        printedBy: quotedByLine(quotation.quotedBy),
        found: comparison.found,
        verdict: presentVerdict(comparison),
        counts: countsLine(comparison),
        stats: comparison.stats,
        pieces: buildReading(comparison, quotation.text, source, 4),
        findings: listFindings(comparison, quotation.text, source),
        cues: comparison.cues,
      };
    });
    res.render('exercise/answers', {
      title: `Answer sheet: ${kase.title}`,
      mainClass: 'sheet',
      kase: { slug: kase.slug, title: kase.title },
      slugPath: `/cases/${encodeURIComponent(kase.slug)}`,
      citation: formatAttribution(kase.source.citation),
      entries,
      overBudget: result.ok ? undefined : result.reason,
    });
  });

  return router;
}

/**
 * Reads a small whole number from the query: absent → `fallback`; anything else that is
 * not a whole number in [min, limit) is a clear 400.
 */
function readIndex(raw: unknown, name: string, limit: number, fallback: number, min = 0): number {
  if (raw === undefined || raw === '') return fallback;
  const valid = typeof raw === 'string' && /^\d{1,4}$/.test(raw) && Number(raw) >= min && Number(raw) < limit;
  if (!valid) {
    const range = limit - 1 === min ? `${min}` : `${min} to ${limit - 1}`;
    throw new UserError(`“${name}” must be a whole number from ${range} for this case.`);
  }
  return Number(raw);
}

/** "Robert Service, Stalin: A Biography (2004)": who the quotation is attributed to — author, work and year, never the source's text or notes. */
export function formatAttribution(citation: Citation): string {
  const head = [citation.author, citation.work].filter(Boolean).join(', ');
  const year = citation.year ? ` (${citation.year})` : '';
  return `${head}${year}`.trim();
}
