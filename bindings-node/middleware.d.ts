// Types of `halo-core/middleware` (hand-written; `index.d.ts` is generated).

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Masker, Verified, WebhookVerifier } from './index'

/** Where a delivery came from, read from the framework's request. */
export interface WebhookMiddlewareOptions<Req> {
  /** The named provider to check against, or a function choosing it. */
  provider?: string | ((req: Req) => string | undefined)
  /** The client address; default the socket's remote address. */
  remoteAddr?: (req: Req) => string | undefined
}

/** An Express/Connect request after `express.raw()`. */
export type RawRequest = IncomingMessage & { body?: unknown; webhook?: Verified }

/**
 * Express (or Connect) middleware verifying deliveries on the raw body;
 * mount it after `express.raw({ type: '*\/*' })`. Sets `req.webhook`, or
 * answers a refusal with the core's status and `{"error": code}`.
 */
export declare function verifyWebhook(
  verifier: WebhookVerifier,
  options?: WebhookMiddlewareOptions<RawRequest>,
): (req: RawRequest, res: ServerResponse, next: (err?: unknown) => void) => void

/** Makes a Fastify instance or plugin context hand bodies over as `Buffer`. */
export declare function fastifyRawBody(instance: {
  removeAllContentTypeParsers(): void
  addContentTypeParser(...args: any[]): void
}): void

/**
 * A Fastify `preHandler` hook verifying deliveries on the raw body (see
 * `fastifyRawBody`). Sets `request.webhook`, or answers a refusal with the
 * core's status and `{"error": code}`.
 */
export declare function fastifyVerifyWebhook(
  verifier: WebhookVerifier,
  options?: WebhookMiddlewareOptions<any>,
): (request: any, reply: any) => Promise<unknown>

/** A winston format masking each entry with `masker`. */
export declare function winstonMaskFormat(masker: Masker): { transform(info: any): any }

/** pino options masking each entry with `masker`; spread them into `pino()`'s options. */
export declare function pinoMaskOptions(masker: Masker): {
  hooks: { logMethod(this: any, args: any[], method: (...args: any[]) => void): void }
  formatters: { log(object: Record<string, unknown>): Record<string, unknown> }
}
