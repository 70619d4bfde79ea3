import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, methodNotAllowed, toHttpError, unsupportedMediaType } from '../errors.js';
import { readBody } from '../http/body.js';
import { clientIp, type TrustedProxies } from '../http/client-ip.js';
import { sendError } from '../http/respond.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { dropAnswer, isDrop, type StepDropReason } from './drops.js';
import type { CollectEvent } from './event.js';
import { runPipeline, type NamedStep } from './pipeline.js';
import type { RecentPageViews } from './recent-page-views.js';
import { toRecord, type IdentityHelpers } from './record.js';
import { maxBodyBytes, parseWireEvent, type WireEvent } from './wire.js';
import type { BatchWriter, WriteCallback } from '../intake/writer.js';

// The tracker posts from any customer's origin with a text/plain body, which
// needs no preflight: its answer needs only Allow-Origin. The preflight answer,
// for integrations that send JSON, also names the methods and headers.
const corsHeaders = { 'Access-Control-Allow-Origin': '*' };
const preflightAnswer = {
  ...corsHeaders,
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '86400',
  'Content-Length': '0',
};

// An empty body with its length declared: without it Node answers 202 chunked,
// in two writes, and the client's delayed ACK can hold the second for 40 ms.
const emptyAnswer = { ...corsHeaders, 'Content-Length': '0' };

function acceptedType(header: string): boolean {
  const type = header.split(';')[0]!.trim().toLowerCase();
  return type === 'text/plain' || type === 'application/json';
}

export interface CollectDeps {
  steps: readonly NamedStep[];
  writer: BatchWriter;
  recentPageViews: RecentPageViews;
  identity: IdentityHelpers;
  metrics: Metrics;
  logger: Logger;
  trustProxy: TrustedProxies;
  /** How long a beacon's body may take to arrive (config.connections.beaconBodyTimeoutMs). */
  bodyTimeoutMs: number;
  now?: () => number;
}

/** POST /api/v1/collect: parse, run the named steps, write to the intake log, then answer 202. */
export function createCollectHandler(deps: CollectDeps) {
  const now = deps.now ?? Date.now;
  const stepSeconds = deps.metrics.stepSeconds(deps.steps.map((step) => step.name));

  // A duplicate the database found was already counted when it was committed (server.ts).
  const answerDrop = (res: ServerResponse, reason: StepDropReason, counted = false) => {
    if (!counted) deps.metrics.eventsDropped.inc({ reason });
    const answer = dropAnswer(reason);
    const headers = { ...corsHeaders, 'X-ClearView-Dropped': reason };
    if (answer.status === 202) {
      res.writeHead(202, { ...headers, 'Content-Length': '0' });
      res.end();
    } else {
      sendError(res, new HttpError(answer.status, answer.message), headers);
    }
  };

  const refuse = (res: ServerResponse, error: HttpError) => {
    if (error.status >= 500) {
      // The intake sheds load with its own 503s and Retry-After: counted as the 'overloaded' drop.
      if (error.status === 503) deps.metrics.eventsDropped.inc({ reason: 'overloaded' });
    } else {
      deps.metrics.eventsRejected.inc({ code: error.code });
    }
    sendError(res, error, corsHeaders);
  };

  const fail = (res: ServerResponse, error: unknown) => {
    const httpError = toHttpError(error);
    if (httpError.status === 500) deps.logger.error({ err: error }, 'collect failed');
    if (!res.headersSent) refuse(res, httpError);
    else res.destroy();
  };

  /** Stage two: the body is read; answer once the event is logged (or dropped). */
  const collectBody = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const wire = parseWireEvent(body);
    const ua = req.headers['user-agent'];
    // Every field the steps fill in is present from the start: one object shape, no property store to grow.
    const event: CollectEvent = {
      wire,
      receivedAt: now(),
      ip: clientIp(req, deps.trustProxy),
      userAgent: typeof ua === 'string' ? ua.slice(0, 1024) : '',
      site: undefined,
      visitorId: undefined,
      client: undefined,
      isBot: undefined,
      network: undefined,
    };
    const result = runPipeline(deps.steps, event, stepSeconds);
    if (isDrop(result)) {
      answerDrop(res, result.drop);
      return;
    }
    const record = toRecord(result, deps.identity);
    const pageView = record.kind === 'pageview' ? record.pageViewId : null;
    if (pageView !== null && deps.recentPageViews.has(record.siteId, pageView)) {
      answerDrop(res, 'duplicate_page_view');
      return;
    }
    deps.writer.enqueue(record, answerWhenStored(res, record.siteId, pageView, wire.name, result.isBot === true));
  };

  // The callback holds only what the answer needs, not the event: it waits up to a
  // loop turn, and what it holds is copied by any scavenge meanwhile.
  const answerWhenStored =
    (res: ServerResponse, siteId: string, pageView: string | null, name: WireEvent['name'], isBot: boolean): WriteCallback =>
    (error, outcome) => {
      if (error) return fail(res, error);
      if (outcome?.duplicate) return answerDrop(res, 'duplicate_page_view', true);
      if (pageView !== null) deps.recentPageViews.add(siteId, pageView);
      deps.metrics.countAccepted(name, isBot);
      res.writeHead(202, emptyAnswer);
      res.end();
    };

  // Callbacks rather than async/await on this path: two promises and a suspended
  // function per beacon were garbage for the collector to sweep, for no gain in clarity.
  return function handleCollect(req: IncomingMessage, res: ServerResponse): void {
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, preflightAnswer);
        res.end();
        return;
      }
      if (req.method !== 'POST') throw methodNotAllowed(['POST', 'OPTIONS']);
      const contentType = req.headers['content-type'];
      // navigator.sendBeacon's own header first: splitting it on every beacon cost allocations for nothing.
      if (contentType !== undefined && contentType !== 'text/plain;charset=UTF-8' && !acceptedType(contentType)) {
        throw unsupportedMediaType('Send the event as text/plain or application/json');
      }
      readBody(req, maxBodyBytes, deps.bodyTimeoutMs, (error, body) => {
        if (error) return fail(res, error);
        try {
          collectBody(req, res, body!);
        } catch (thrown) {
          fail(res, thrown);
        }
      });
    } catch (error) {
      fail(res, error);
    }
  };
}
