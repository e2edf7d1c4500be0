import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/web/app.js';
import { requestTimeout } from '../src/web/timeout.js';
import { memoryStore } from './helpers/temp-store.js';

/** The real store, in memory: these tests are about the app around it. */
const sharedStore = await memoryStore();

function appWithSlowRoutes(budgetMs: number) {
  const lateAnswers: string[] = [];
  const app = express();
  app.use(requestTimeout(budgetMs));
  app.get('/api/slow', async (_req, res) => {
    await sleep(budgetMs * 3);
    res.status(200).json({ late: true });
    lateAnswers.push('json');
  });
  app.get('/slow-page', async (_req, res) => {
    await sleep(budgetMs * 3);
    res.render('nothing');
    res.redirect('/');
    lateAnswers.push('page');
  });
  app.get('/fast', (_req, res) => {
    res.json({ fast: true });
  });
  return { app, lateAnswers };
}

describe('request time budget', () => {
  it('cuts off a slow API request with a clear 503, Retry-After and JSON', async () => {
    const { app, lateAnswers } = appWithSlowRoutes(100);
    // the slow handler would answer 200 after 300 ms: a 503 means the budget cut it off
    const res = await request(app).get('/api/slow');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error).toBe('The server took longer than 100 ms to answer and stopped; please try again in a moment.');
    // the handler's late answer is swallowed, not thrown
    await sleep(300);
    expect(lateAnswers).toEqual(['json']);
  });

  it('answers a page with an HTML message', async () => {
    const { app, lateAnswers } = appWithSlowRoutes(100);
    const res = await request(app).get('/slow-page').set('Accept', 'text/html');
    expect(res.status).toBe(503);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('please try again in a moment');
    await sleep(300);
    expect(lateAnswers).toEqual(['page']);
  });

  it('leaves requests within the budget alone', async () => {
    const { app } = appWithSlowRoutes(1000);
    const res = await request(app).get('/fast');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ fast: true });
  });

  it('is off at 0', async () => {
    const { app } = appWithSlowRoutes(0);
    const res = await request(app).get('/api/slow');
    expect(res.status).toBe(200);
  });

  it('in the app, counts from a complete request: a slow upload is not cut off by the budget', async () => {
    const server = createApp({ store: sharedStore, requestTimeoutMs: 100, csrf: false }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    // a cheap route, so that only the upload's slowness is measured
    const body = Buffer.from(`next=${encodeURIComponent('/cases')}&padding=${'x'.repeat(2000)}`);
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ port, host: '127.0.0.1', path: '/login', method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write(body.subarray(0, 10));
        setTimeout(() => req.end(body.subarray(10)), 300);
      });
      expect(status).toBe(303);
    } finally {
      server.close();
    }
  });
});
